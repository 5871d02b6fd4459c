import { MAX_BUNDLE_BYTES, UNKNOWN_STRING, type BundleEnvelope } from '../protocol';
import { halves, splitRange } from './bundle';
import { decodeBody } from './encode';
import type { Leftovers } from './leftovers';
import { bodyOf, type BundleSource, type Pending } from './pending';
import type { TransportParts } from './parts';
import { backoffDelay } from './retry';
import type { BundleStorage } from './storage';
import { pieceEnvelope } from './strings';
import { endpoint, upload, type Outcome } from './upload';

/**
 * Answers that every later bundle of this transport would get too (docs/protocol.md, "Answers"):
 * 403 (the org is unknown or does not allow this origin), 401 (a proxy in front of the collector
 * wants credentials we never send), 404, 405 and 410 (the host serves no collector at this
 * path). 400, 409 and 413 concern one bundle; 408 and 429 pass. After one of these the transport
 * sends nothing more from this page: one request per page load instead of one per bundle.
 */
export const PERMANENT_STATUSES = [401, 403, 404, 405, 410];

/** Delivery in queue order, one request at a time, and what each answer means for the bundle. */
export interface Sender {
  /** Starts the delivery loop unless it runs; resolves when it pauses or the queue is empty. */
  kick(): Promise<void>;
  /** Sends one bundle and applies the answer; false when sending must pause (a retry is scheduled). */
  transmit(entry: Pending, body: Uint8Array, keepalive: boolean): Promise<boolean>;
  /** No request before this, not even the swan song: the collector's Retry-After. */
  collectorRetryAt(): number;
  /** Bytes of keepalive requests not answered yet (they share the page's SWAN_SONG_MAX_BYTES). */
  keepaliveBytes(): number;
}

/** `encode` starts encoding the halves of a split. */
export function createSender(
  parts: TransportParts,
  storage: BundleStorage,
  leftovers: Leftovers,
  encode: (entry: Pending) => void,
): Sender {
  const { options, win, backoff, signal, persistence, queue, report, strings } = parts;
  let failures = 0;
  /** No request before this (backoff or the collector's Retry-After). */
  let retryAt = 0;
  /** The part of retryAt the collector imposed; going back online does not shorten it. */
  let collectorRetryAt = 0;
  let keepaliveBytes = 0;
  /** A permanent refusal (PERMANENT_STATUSES): nothing is sent any more. */
  let halted = false;
  let running: Promise<void> | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  /** A Retry-After an earlier page was told, and the leftovers, before the first send. */
  const ready = Promise.all([
    persistence ? persistence.loadRetryAt().catch(() => 0) : 0,
    leftovers.ready,
  ]).then(([savedRetryAt]) => {
    collectorRetryAt = Math.max(collectorRetryAt, savedRetryAt);
    retryAt = Math.max(retryAt, collectorRetryAt);
  });

  function scheduleRetry() {
    clearTimeout(retryTimer);
    if (signal.aborted) return;
    retryTimer = setTimeout(() => void kick(), Math.max(0, retryAt - Date.now()));
  }

  /**
   * Re-cuts a bundle the collector refused into `cut(events)` pieces (or none: null), each with a
   * fresh number inside its range; `why` is the warning when it cannot be, and the bundle is dropped.
   */
  async function recut(entry: Pending, why: string, cut: (source: BundleSource) => BundleSource[] | null) {
    const body = bodyOf(entry) ?? (await persistence?.loadBody(entry.key));
    if (!body || !entry.enc) return storage.forget(entry);
    const pieces = cut(await decodeBody(body, entry.enc, win));
    const ranges = pieces && splitRange(entry.range, pieces.length);
    if (!pieces || !ranges) {
      report.once(why, why);
      return storage.drop(entry, 'rejected');
    }
    const now = Date.now();
    pieces.forEach(({ envelope, events }, index) => {
      const piece: BundleEnvelope = { ...pieceEnvelope(envelope, events), seq: ranges[index].seq, sentAt: now };
      delete piece.page;
      const part = queue.enqueue(piece, events, ranges[index], entry);
      // Dropped facts are appended at the end of a bundle, so they travel in the last piece.
      if (index === pieces.length - 1) part.carriedDrops = entry.carriedDrops;
      encode(part);
    });
    storage.forget(entry);
  }

  /** The 413 answer: the bundle is cut in two (each half keeps the definitions it needs). */
  const split = (entry: Pending) =>
    recut(entry, 'the collector refused an event as too large; it is dropped', ({ envelope, events }) =>
      halves(events)?.map((half) => ({ envelope, events: half })) ?? null,
    );

  /**
   * The unknown-string answer: the collector lost strings it had acknowledged (its data was
   * deleted), so everything is defined again, this bundle too when this page still has the texts.
   */
  function redefine(entry: Pending) {
    strings.forget();
    return recut(entry, 'unknown string; dropped', ({ envelope, events }) => {
      const defined = strings.define(events, envelope.sessionId, true)[1];
      return defined ? [{ envelope: { ...envelope, strings: defined }, events }] : null;
    });
  }

  async function settle(entry: Pending, outcome: Outcome): Promise<boolean> {
    if (entry.residency.kind === 'gone') return true;
    switch (outcome.kind) {
      case 'delivered':
        failures = 0;
        if (entry.refs) strings.acknowledge(entry.refs);
        storage.forget(entry);
        await leftovers.again();
        return true;
      case 'beaconed':
        storage.forget(entry, true);
        return true;
      case 'rejected':
        if (outcome.code === UNKNOWN_STRING) {
          await redefine(entry);
          return true;
        }
        halted ||= PERMANENT_STATUSES.includes(outcome.status);
        report.once('rejected', `the collector refused a bundle (${outcome.status} ${outcome.code}); it is dropped${halted ? ', and nothing more is sent from this page' : ''}`);
        storage.drop(entry, 'rejected');
        return !halted;
      case 'too-large':
        await split(entry);
        return true;
      case 'retry': {
        failures++;
        const now = Date.now();
        if (outcome.afterMs !== null) {
          collectorRetryAt = now + outcome.afterMs;
          persistence?.saveRetryAt(collectorRetryAt).catch(report.error);
        }
        retryAt = Math.max(now + (outcome.afterMs ?? backoffDelay(failures, backoff)), collectorRetryAt);
        scheduleRetry();
        return false;
      }
    }
  }

  async function transmit(entry: Pending, body: Uint8Array, keepalive: boolean): Promise<boolean> {
    if (halted) return false;
    if (body.byteLength > MAX_BUNDLE_BYTES) {
      await split(entry);
      return true;
    }
    entry.inFlight = true;
    if (keepalive) keepaliveBytes += body.byteLength;
    // A keepalive request must outlive the page, so stop() does not cancel it.
    const request = { url: endpoint(options.host, entry.enc!), body, keepalive, signal: keepalive ? undefined : signal };
    const outcome = await upload(request, win, options.fetch);
    entry.inFlight = false;
    if (keepalive) keepaliveBytes -= body.byteLength;
    if (signal.aborted && outcome.kind === 'retry') return false;
    return settle(entry, outcome);
  }

  /** Reads the body back from IndexedDB when the memory cap released it. */
  async function sendSaved(entry: Pending): Promise<boolean> {
    const body = await persistence?.loadBody(entry.key);
    if (entry.residency.kind === 'gone') return true;
    // Another tab of this site delivered it and removed it from IndexedDB.
    if (!body) return settle(entry, { kind: 'delivered' });
    return transmit(entry, body, false);
  }

  async function deliverInOrder() {
    await ready;
    while (!signal.aborted && !halted && Date.now() >= retryAt) {
      const head = queue.all().find((entry) => !entry.inFlight);
      // The head is still being encoded: its encoder kicks the loop again when done.
      if (!head || head.residency.kind === 'encoding') return;
      const body = bodyOf(head);
      if (!(await (body ? transmit(head, body, false) : sendSaved(head)))) return;
    }
    if (!signal.aborted && !halted && queue.all().length > 0) scheduleRetry();
  }

  function kick(): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    running ??= deliverInOrder()
      .catch(report.error)
      .finally(() => {
        running = null;
      });
    return running;
  }

  const onOnline = report.guard(() => {
    failures = 0;
    retryAt = collectorRetryAt;
    void kick();
  });
  win.addEventListener('online', onOnline);
  signal.addEventListener('abort', () => {
    clearTimeout(retryTimer);
    win.removeEventListener('online', onOnline);
  });

  return { kick, transmit, collectorRetryAt: () => collectorRetryAt, keepaliveBytes: () => keepaliveBytes };
}
