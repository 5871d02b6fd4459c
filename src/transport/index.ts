import type { eventWithTime } from '@rrweb/types';
import type { DroppedFact } from '../facts';
import { MAX_BUNDLE_BYTES, SWAN_SONG_MAX_BYTES, type BundleEnvelope } from '../protocol';
import { FIRST_BUNDLE_EVENT_CHARS, SEQ_STRIDE, bundleText, envelopeFor, halves, splitRange, type SeqRange } from './bundle';
import { createBuffer } from './buffer';
import { createDropTally } from './caps';
import { decodeBody, encodeBody, utf8 } from './encode';
import {
  DEFAULT_BACKOFF,
  DEFAULT_CAPS,
  DEFAULT_THRESHOLDS,
  type TransportOptions,
} from './options';
import { openHandoff } from './handoff';
import { pendingFrom, pendingFromHandoff, pendingFromSaved, swanSongRuns, type Pending } from './pending';
import { bundleKey, openPersistence, type StoredBundle } from './persist';
import { backoffDelay } from './retry';
import { endpoint, upload, type Outcome } from './upload';

export type { TransportOptions, TransportIdentity, TransportCaps, TransportThresholds, BackoffOptions } from './options';
export { DEFAULT_BACKOFF, DEFAULT_CAPS, DEFAULT_THRESHOLDS } from './options';

export interface TransportUsage {
  /** Events waiting to be cut into a bundle. */
  bufferedEvents: number;
  /** Bundles cut and not yet acknowledged or dropped (this page's and adopted ones). */
  pendingBundles: number;
  /** What caps.memoryBytes limits: buffered JSON characters plus bundle bodies held in memory. */
  memoryBytes: number;
  /** What caps.storageBytes limits: encoded bytes of the bundles saved in IndexedDB. */
  storageBytes: number;
}

export interface Transport {
  /** Buffers one event; never throws, never blocks on the network. */
  push(event: eventWithTime): void;
  /**
   * Cuts what is buffered and attempts delivery of everything queued now, unless the collector
   * asked to wait (Retry-After or backoff). Resolves when that attempt is over; bundles that
   * could not be delivered stay queued (and saved).
   */
  flush(): Promise<void>;
  /** No request is made after this. Buffered events are cut and saved for the next page load. */
  stop(): void;
  /** Forgets every buffered and queued event, and deletes the saved queue. */
  discard(): Promise<void>;
  usage(): TransportUsage;
}

const LOG_PREFIX = '[openstory]';

/**
 * Swan-song pieces are a quarter of the keepalive budget (SWAN_SONG_MAX_BYTES, which every
 * keepalive request of the page shares): small pieces pack the budget tightly where one 64 KiB
 * piece would leave it mostly unused next to a small one.
 */
const SWAN_SONG_PIECE_BYTES = SWAN_SONG_MAX_BYTES / 4;

export function startTransport(options: TransportOptions): Transport {
  const win = options.window ?? window;
  const caps = { ...DEFAULT_CAPS, ...options.caps };
  const thresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
  const backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
  const persistence = options.persist === false ? null : openPersistence(options.host, options.orgId, win);
  const handoff = options.persist === false ? null : openHandoff(options.host, options.orgId, win);
  const buffer = createBuffer();
  const drops = createDropTally();
  const abort = new AbortController();
  /** Next number to cut per page; never decreases, so no number is used twice. */
  const nextSeq = new Map<string, number>();
  let queue: Pending[] = [];
  const encoding = new Set<Promise<void>>();
  let storageBytes = 0;
  let keepaliveBytes = 0;
  let failures = 0;
  /** No request before this (backoff or the collector's Retry-After). */
  let retryAt = 0;
  /** The part of retryAt the collector imposed; going back online does not shorten it. */
  let collectorRetryAt = 0;
  let stopped = false;
  /** Leftovers are adopted at start and once more after the first acknowledgement (see adoptLeftovers). */
  let adoptedAgain = false;
  let running: Promise<void> | null = null;
  let cutTimer: ReturnType<typeof setTimeout> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  const reported = new Set<string>();

  const reportOnce = (kind: string, message: string, detail?: unknown) => {
    if (reported.has(kind)) return;
    reported.add(kind);
    console.warn(`${LOG_PREFIX} ${message}`, ...(detail === undefined ? [] : [detail]));
  };
  const reportError = (error: unknown) => reportOnce('internal', 'transport error', error);
  const guard =
    <A extends unknown[], R>(fn: (...args: A) => R, fallback: R) =>
    (...args: A): R => {
      try {
        return fn(...args);
      } catch (error) {
        reportError(error);
        return fallback;
      }
    };

  function memoryBytes(): number {
    let total = buffer.chars;
    for (const entry of queue) total += entry.source ? entry.sourceChars : (entry.body?.byteLength ?? 0);
    return total;
  }

  function forget(entry: Pending, keepSaved = false) {
    entry.gone = true;
    queue = queue.filter((other) => other !== entry);
    if (entry.saved || entry.saving) {
      if (!keepSaved) persistence?.remove(entry.key).catch(reportError);
      storageBytes -= entry.bytes;
    }
    if (entry.handedOff && !keepSaved) handoff?.remove(entry.key);
  }

  function drop(entry: Pending, reason: DroppedFact['reason']) {
    // The dropped facts this bundle carried are counted again, to ride with the next bundle.
    for (const carried of entry.carriedDrops) drops.add(carried.reason, carried.events, carried.bytes);
    drops.add(reason, entry.events - entry.carriedDrops.length, entry.bytes || entry.sourceChars);
    forget(entry);
    armCutTimer();
  }

  /** Releases bodies that IndexedDB holds, newest first, then drops unsaved ones, until memory (plus `incoming`) fits. */
  function enforceMemoryCap(incoming = 0) {
    let excess = memoryBytes() + incoming - caps.memoryBytes;
    for (const entry of [...queue].reverse()) {
      if (excess <= 0) return;
      if (entry.body && entry.saved && !entry.inFlight) {
        excess -= entry.body.byteLength;
        entry.body = null;
      }
    }
    for (const entry of [...queue].reverse()) {
      if (excess <= 0) return;
      if (entry.body && !entry.saved && !entry.saving && !entry.inFlight) {
        excess -= entry.body.byteLength;
        drop(entry, 'memory-cap');
      }
    }
  }

  function stored(entry: Pending, savedAt: number): [string, StoredBundle] {
    return [
      entry.key,
      {
        host: options.host,
        orgId: options.orgId,
        pageId: entry.pageId,
        seq: entry.range.seq,
        span: entry.range.span,
        enc: entry.enc!,
        body: entry.body!,
        events: entry.events,
        savedAt,
      },
    ];
  }

  /**
   * Hands bundles to the next page load through localStorage (handoff.ts); returns those that
   * did not fit, which then go to IndexedDB as usual.
   */
  function handOff(entries: Pending[]): Pending[] {
    if (!handoff || entries.length === 0) return entries;
    const savedAt = Date.now();
    const left = new Set(handoff.write(entries.map((entry) => stored(entry, savedAt))).map(([key]) => key));
    for (const entry of entries) if (!left.has(entry.key)) entry.handedOff = true;
    return entries.filter((entry) => left.has(entry.key));
  }

  /** Saves encoded bundles in one IndexedDB transaction; a bundle past the storage cap is dropped instead. */
  function save(entries: Pending[]) {
    if (!persistence) return;
    const admitted = entries.filter((entry) => {
      if (storageBytes + entry.bytes > caps.storageBytes) {
        drop(entry, 'storage-cap');
        return false;
      }
      storageBytes += entry.bytes;
      entry.saving = true;
      return true;
    });
    if (admitted.length === 0) return;
    const savedAt = Date.now();
    persistence
      .save(admitted.map((entry) => stored(entry, savedAt)))
      .then(
        () => {
          for (const entry of admitted) {
            entry.saving = false;
            if (entry.gone) persistence.remove(entry.key).catch(reportError);
            else entry.saved = true;
            if (entry.handedOff && !entry.gone) {
              handoff?.remove(entry.key);
              entry.handedOff = false;
            }
          }
          enforceMemoryCap();
        },
        (error) => {
          for (const entry of admitted) {
            entry.saving = false;
            if (!entry.gone) storageBytes -= entry.bytes;
          }
          reportOnce('storage', 'could not save bundles in IndexedDB; they are kept in memory only', error);
        },
      )
      .catch(reportError);
  }

  function setBody(entry: Pending, body: Uint8Array, enc: 'gzip' | 'identity') {
    entry.body = body;
    entry.enc = enc;
    entry.bytes = body.byteLength;
    entry.source = null;
  }

  function encode(entry: Pending) {
    const source = entry.source!;
    const task = encodeBody(bundleText(source.envelope, source.events), win)
      .then(({ body, enc }) => {
        // The swan song may have re-encoded it synchronously meanwhile.
        if (entry.gone || entry.enc) return;
        setBody(entry, body, enc);
        save([entry]);
        enforceMemoryCap();
        kick();
      })
      .catch(reportError)
      .finally(() => encoding.delete(task));
    encoding.add(task);
  }

  function enqueue(envelope: BundleEnvelope, events: string[], range: SeqRange, before?: Pending): Pending {
    const entry = pendingFrom(bundleKey(envelope.pageId, range.seq), envelope, events, range);
    const at = before ? queue.indexOf(before) : -1;
    if (at < 0) queue.push(entry);
    else queue.splice(at, 0, entry);
    return entry;
  }

  /** Moves the buffer into bundles (the first of a page stays small) and starts encoding them. */
  function cut(): Pending[] {
    clearTimeout(cutTimer);
    cutTimer = undefined;
    if (buffer.count === 0 && !drops.pending) return [];
    const who = options.identity();
    const now = Date.now();
    const cutOne = (events: string[], carriedDrops: DroppedFact[] = []) => {
      const seq = nextSeq.get(who.pageId) ?? 0;
      nextSeq.set(who.pageId, seq + SEQ_STRIDE);
      const range = { seq, span: SEQ_STRIDE };
      const entry = enqueue(envelopeFor(options.orgId, who, range, options.page, now), events, range);
      entry.carriedDrops = carriedDrops;
      return entry;
    };
    const cutNow: Pending[] = [];
    if (!nextSeq.has(who.pageId)) cutNow.push(cutOne(buffer.take(FIRST_BUNDLE_EVENT_CHARS, false)));
    if (buffer.count > 0 || drops.pending) {
      const events = buffer.drain();
      const facts = drops.takeFacts(now);
      for (const dropped of facts) events.push(JSON.stringify(dropped));
      cutNow.push(cutOne(events, facts.map((dropped) => dropped.data.payload)));
    }
    for (const entry of cutNow) encode(entry);
    return cutNow;
  }

  function armCutTimer() {
    if (cutTimer === undefined && !stopped) cutTimer = setTimeout(guard(cut, []), thresholds.timeMs);
  }

  function scheduleRetry() {
    clearTimeout(retryTimer);
    if (stopped) return;
    retryTimer = setTimeout(() => void kick(), Math.max(0, retryAt - Date.now()));
  }

  async function split(entry: Pending) {
    const body = entry.body ?? (await persistence?.load(entry.key))?.body;
    if (!body || !entry.enc) return forget(entry);
    const { envelope, events } = await decodeBody(body, entry.enc, win);
    const parts = halves(events);
    const ranges = parts && splitRange(entry.range, 2);
    if (!parts || !ranges) {
      reportOnce('too-large', 'the collector refused an event as too large; it is dropped');
      return drop(entry, 'rejected');
    }
    const now = Date.now();
    parts.forEach((half, index) => {
      const piece: BundleEnvelope = { ...envelope, seq: ranges[index].seq, sentAt: now };
      delete piece.page;
      const part = enqueue(piece, half, ranges[index], entry);
      // Dropped facts are appended at the end of a bundle, so they travel in the last piece.
      if (index === parts.length - 1) part.carriedDrops = entry.carriedDrops;
      encode(part);
    });
    forget(entry);
  }

  /** Applies the collector's answer; false when sending must pause (a retry is scheduled). */
  async function settle(entry: Pending, outcome: Outcome): Promise<boolean> {
    if (entry.gone) return true;
    switch (outcome.kind) {
      case 'delivered':
        failures = 0;
        forget(entry);
        await adoptAgain();
        return true;
      case 'beaconed':
        forget(entry, true);
        return true;
      case 'rejected':
        reportOnce('rejected', `the collector refused a bundle (${outcome.status} ${outcome.code}); it is dropped`);
        drop(entry, 'rejected');
        return true;
      case 'too-large':
        await split(entry);
        return true;
      case 'retry': {
        failures++;
        const now = Date.now();
        if (outcome.afterMs !== null) {
          collectorRetryAt = now + outcome.afterMs;
          persistence?.saveRetryAt(collectorRetryAt).catch(reportError);
        }
        retryAt = Math.max(now + (outcome.afterMs ?? backoffDelay(failures, backoff)), collectorRetryAt);
        scheduleRetry();
        return false;
      }
    }
  }

  /** Sends one bundle and applies the answer; false when sending must pause. */
  async function transmit(entry: Pending, body: Uint8Array, keepalive: boolean): Promise<boolean> {
    if (body.byteLength > MAX_BUNDLE_BYTES) {
      await split(entry);
      return true;
    }
    entry.inFlight = true;
    if (keepalive) keepaliveBytes += body.byteLength;
    const request = { url: endpoint(options.host, entry.enc!), body, keepalive, signal: keepalive ? undefined : abort.signal };
    const outcome = await upload(request, win);
    entry.inFlight = false;
    if (keepalive) keepaliveBytes -= body.byteLength;
    if (stopped && outcome.kind === 'retry') return false;
    return settle(entry, outcome);
  }

  /** Reads the body back from IndexedDB when the memory cap released it. */
  async function sendSaved(entry: Pending): Promise<boolean> {
    const body = (await persistence?.load(entry.key))?.body;
    if (entry.gone) return true;
    // Another tab of this site delivered it and removed it from IndexedDB.
    if (!body) return settle(entry, { kind: 'delivered' });
    return transmit(entry, body, false);
  }

  async function deliverInOrder() {
    await ready;
    while (!stopped && Date.now() >= retryAt) {
      const head = queue.find((entry) => !entry.inFlight);
      // The head is still being encoded: its encoder kicks the loop again when done.
      if (!head || !head.enc) return;
      if (!(await (head.body ? transmit(head, head.body, false) : sendSaved(head)))) return;
    }
    if (!stopped && queue.length > 0) scheduleRetry();
  }

  function kick(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (!running) {
      running = deliverInOrder()
        .catch(reportError)
        .finally(() => {
          running = null;
        });
    }
    return running;
  }

  /**
   * The swan song. Runs synchronously while the page is hidden or unloading: bundles still being
   * gzipped are re-cut into identity-encoded pieces (CompressionStream cannot finish in time),
   * everything is saved, and what fits the 64 KiB keepalive budget is sent, unsaved pieces
   * first. A backoff does not hold it back (this is the page's last chance); Retry-After does.
   */
  function swanSong() {
    if (stopped) return;
    try {
      options.onHide?.();
    } catch (error) {
      reportError(error);
    }
    cut();
    const now = Date.now();
    const pieces: Pending[] = [];
    for (const entry of [...queue]) {
      if (entry.enc || !entry.source) continue;
      // The seq-0 bundle is small by construction and must stay whole: only it carries the page.
      const pieceBytes = entry.range.seq === 0 ? SWAN_SONG_MAX_BYTES : SWAN_SONG_PIECE_BYTES;
      const runs = swanSongRuns(entry.source, entry.range, pieceBytes, now);
      if (!runs) continue;
      for (const run of runs) {
        const piece = run.range.seq === entry.range.seq ? entry : enqueue(run.envelope, run.events, run.range, entry);
        if (run === runs[runs.length - 1]) piece.carriedDrops = entry.carriedDrops;
        setBody(piece, utf8(run.text), 'identity');
        pieces.push(piece);
      }
      if (runs[0].range.seq !== entry.range.seq) forget(entry);
    }
    // Whatever IndexedDB does not hold yet (these pieces, bundles whose write is still pending or
    // failed) goes to localStorage, which a closing tab writes reliably; what does not fit there
    // is saved in one IndexedDB transaction, the likelier to land the fewer there are.
    const unsaved = queue.filter((entry) => entry.body && !entry.saved && !entry.handedOff);
    save(handOff(unsaved).filter((entry) => !entry.saving));
    // A page that lives on (only hidden) moves what it handed off into IndexedDB, freeing the
    // site's localStorage; a page being unloaded never runs this.
    win.setTimeout(
      guard(() => save(queue.filter((entry) => entry.handedOff && !entry.saved && !entry.saving)), undefined),
      0,
    );
    if (now < collectorRetryAt) return;
    const candidates = [...queue.filter((entry) => !entry.saved), ...queue.filter((entry) => entry.saved)];
    for (const entry of candidates) {
      if (!entry.body || entry.inFlight || entry.gone) continue;
      // transmit() counts the body in keepaliveBytes before it returns its promise.
      if (keepaliveBytes + entry.bytes > SWAN_SONG_MAX_BYTES) continue;
      transmit(entry, entry.body, true)
        .then((proceed) => {
          if (proceed) void kick();
        })
        .catch(reportError);
    }
  }

  const onPageHide = guard(swanSong, undefined);
  const onVisibilityChange = guard(() => {
    if (win.document.visibilityState === 'hidden') swanSong();
  }, undefined);
  const onOnline = guard(() => {
    failures = 0;
    retryAt = collectorRetryAt;
    void kick();
  }, undefined);
  win.addEventListener('pagehide', onPageHide);
  win.addEventListener('online', onOnline);
  win.document.addEventListener('visibilitychange', onVisibilityChange);

  /**
   * Adopts what earlier pages of this site left unacknowledged: bundles saved in IndexedDB and
   * bundles a closing page handed off through localStorage (those are saved in IndexedDB now).
   * Runs at start and once more after the first acknowledgement, because a page loaded right
   * after another tab closed can read IndexedDB before that tab's last writes have landed.
   */
  async function adoptLeftovers() {
    const saved = persistence
      ? await persistence.loadAll().catch((error) => {
          reportOnce('storage-read', 'could not read saved bundles from IndexedDB', error);
          return [];
        })
      : [];
    const inQueue = new Map(queue.map((entry) => [entry.key, entry]));
    const inIndexedDb = new Set(saved.map(([key]) => key));
    const adopted: Array<[Pending, number]> = [];
    for (const [key, bundle] of saved) {
      if (inQueue.has(key)) continue;
      const entry = pendingFromSaved(key, bundle);
      storageBytes += entry.bytes;
      adopted.push([entry, bundle.savedAt]);
    }
    const handedOver: Pending[] = [];
    for (const [key, bundle] of handoff?.readAll() ?? []) {
      const queued = inQueue.get(key);
      // IndexedDB holds it too (the closing tab's write landed after all): one copy is enough.
      if (inIndexedDb.has(key) || queued?.saved) handoff?.remove(key);
      if (inIndexedDb.has(key) || queued) continue;
      const entry = pendingFromHandoff(key, bundle);
      handedOver.push(entry);
      adopted.push([entry, bundle.savedAt]);
    }
    adopted.sort(([a, aSavedAt], [b, bSavedAt]) => aSavedAt - bSavedAt || a.range.seq - b.range.seq);
    queue = [...adopted.map(([entry]) => entry), ...queue];
    save(handedOver);
  }

  /** Adopts leftovers, and a Retry-After an earlier page was told, before the first send. */
  const ready: Promise<void> = (async () => {
    const savedRetryAt = persistence ? await persistence.loadRetryAt().catch(() => 0) : 0;
    collectorRetryAt = Math.max(collectorRetryAt, savedRetryAt);
    retryAt = Math.max(retryAt, collectorRetryAt);
    await adoptLeftovers();
  })().catch(reportError);

  /** The second adoption, after the first one (a swan song's answer can come before `ready`). */
  function adoptAgain(): Promise<void> {
    if (adoptedAgain) return Promise.resolve();
    adoptedAgain = true;
    return ready.then(adoptLeftovers).catch(reportError);
  }
  void kick();

  return {
    push: guard((event: eventWithTime) => {
      if (stopped) return;
      let json: string;
      try {
        json = JSON.stringify(event);
      } catch (error) {
        reportOnce('unserializable', 'an event could not be serialized; it is dropped', error);
        drops.add('rejected', 1, 0);
        return;
      }
      if (memoryBytes() + json.length > caps.memoryBytes) enforceMemoryCap(json.length);
      // Still no room: bundles are being encoded faster than they can be saved or sent.
      if (memoryBytes() + json.length > caps.memoryBytes) {
        drops.add('memory-cap', 1, json.length);
        armCutTimer();
        return;
      }
      buffer.add(json);
      if (buffer.chars >= thresholds.sizeBytes) cut();
      else armCutTimer();
    }, undefined),

    flush: async () => {
      try {
        if (stopped) return;
        cut();
        await Promise.all([...encoding]);
        await kick();
      } catch (error) {
        reportError(error);
      }
    },

    stop: guard(() => {
      if (stopped) return;
      guard(cut, [])();
      stopped = true;
      clearTimeout(cutTimer);
      clearTimeout(retryTimer);
      abort.abort();
      win.removeEventListener('pagehide', onPageHide);
      win.removeEventListener('online', onOnline);
      win.document.removeEventListener('visibilitychange', onVisibilityChange);
    }, undefined),

    discard: async () => {
      try {
        buffer.drain();
        drops.takeFacts(Date.now());
        for (const entry of queue) entry.gone = true;
        queue = [];
        storageBytes = 0;
        // Each store on its own: a failing localStorage must not keep IndexedDB from being emptied.
        guard(() => handoff?.clear(), undefined)();
        await persistence?.clear();
      } catch (error) {
        reportError(error);
      }
    },

    usage: () => ({
      bufferedEvents: buffer.count,
      pendingBundles: queue.length,
      memoryBytes: memoryBytes(),
      storageBytes,
    }),
  };
}
