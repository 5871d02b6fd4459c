import { SWAN_SONG_MAX_BYTES, type BundleEnvelope } from '../protocol';
import { bundleText, packEvents, splitRange, type SeqRange } from './bundle';
import type { Cutter } from './cut';
import { utf8 } from './encode';
import { bodyOf, setBody, type BundleSource, type Pending } from './pending';
import type { Queue } from './queue';
import type { TransportParts } from './parts';
import type { Sender } from './send';
import type { BundleStorage } from './storage';
import { pieceEnvelope } from './strings';

/**
 * Swan-song pieces are a quarter of the keepalive budget (SWAN_SONG_MAX_BYTES, which every
 * keepalive request of the page shares): small pieces pack the budget tightly where one 64 KiB
 * piece would leave it mostly unused next to a small one.
 */
const SWAN_SONG_PIECE_BYTES = SWAN_SONG_MAX_BYTES / 4;

/** Characters a piece's envelope and JSON punctuation may take besides its events. */
const PIECE_ENVELOPE_ALLOWANCE = 512;

/**
 * Re-cuts serialized events into identity-encoded runs small enough for one keepalive request
 * each. A source that fits keeps its own range (its gzip body never left the page); otherwise
 * the runs take fresh numbers inside that range. Null when the range has too few numbers left.
 */
function swanSongRuns(
  source: BundleSource,
  range: SeqRange,
  maxBytes: number,
  now: number,
): Array<{ envelope: BundleEnvelope; events: string[]; range: SeqRange; text: string }> | null {
  const fresh = { ...source.envelope, sentAt: now };
  const whole = bundleText(fresh, source.events);
  if (whole.length <= maxBytes) return [{ envelope: fresh, events: source.events, range, text: whole }];
  // Definitions travel with the pieces that reference them (pieceEnvelope), not in every piece.
  const envelopeChars = JSON.stringify({ ...source.envelope, strings: undefined }).length;
  const runs = packEvents(source.events, Math.max(1, maxBytes - envelopeChars - PIECE_ENVELOPE_ALLOWANCE));
  const ranges = splitRange(range, runs.length);
  if (!ranges) return null;
  return runs.map((events, index) => {
    const envelope: BundleEnvelope = { ...pieceEnvelope(source.envelope, events), seq: ranges[index].seq, sentAt: now };
    delete envelope.page;
    return { envelope, events, range: ranges[index], text: bundleText(envelope, events) };
  });
}

/** Bundles still being gzipped are re-cut into identity pieces (CompressionStream cannot finish before the page goes). */
function recutEncoding(queue: Queue, storage: BundleStorage, now: number) {
  for (const entry of queue.all()) {
    if (entry.residency.kind !== 'encoding') continue;
    // The seq-0 bundle is small by construction and must stay whole: only it carries the page.
    const pieceBytes = entry.range.seq === 0 ? SWAN_SONG_MAX_BYTES : SWAN_SONG_PIECE_BYTES;
    const runs = swanSongRuns(entry.residency.source, entry.range, pieceBytes, now);
    if (!runs) continue;
    for (const run of runs) {
      const piece = run.range.seq === entry.range.seq ? entry : queue.enqueue(run.envelope, run.events, run.range, entry);
      if (run === runs[runs.length - 1]) piece.carriedDrops = entry.carriedDrops;
      setBody(piece, utf8(run.text), 'identity');
    }
    if (runs[0].range.seq !== entry.range.seq) storage.forget(entry);
  }
}

/**
 * The swan song. Runs synchronously while the page is hidden or unloading: bundles still being
 * gzipped are re-cut into identity-encoded pieces, everything is saved, and what fits the 64 KiB
 * keepalive budget is sent, unsaved pieces first. A backoff does not hold it back (this is the
 * page's last chance); Retry-After does. Listens until stop().
 */
export function listenForUnload(parts: TransportParts, storage: BundleStorage, cutter: Cutter, sender: Sender): void {
  const { options, win, signal, queue, report } = parts;

  function swanSong() {
    if (signal.aborted) return;
    // First, so the caller can push its last facts.
    report.guard(() => options.onHide?.())();
    cutter.cut();
    const now = Date.now();
    recutEncoding(queue, storage, now);
    // Whatever IndexedDB does not hold yet (these pieces, bundles whose write is still pending or
    // failed) goes to localStorage, which a closing tab writes reliably; what does not fit there
    // is saved in one IndexedDB transaction, the likelier to land the fewer there are.
    const unsaved = queue.all().filter(({ residency: r }) => r.kind === 'memory' || (r.kind === 'saving' && !r.handedOff));
    storage.save(storage.handOff(unsaved).filter((entry) => entry.residency.kind !== 'saving'));
    // A page that lives on (only hidden) moves what it handed off into IndexedDB, freeing the
    // site's localStorage; a page being unloaded never runs this.
    win.setTimeout(
      report.guard(() => storage.save(queue.all().filter((entry) => entry.residency.kind === 'handedOff'))),
      0,
    );
    if (now < sender.collectorRetryAt()) return;
    const saved = (entry: Pending) => entry.residency.kind === 'saved';
    const candidates = [...queue.all().filter((entry) => !saved(entry)), ...queue.all().filter(saved)];
    for (const entry of candidates) {
      const body = bodyOf(entry);
      if (!body || entry.inFlight || entry.residency.kind === 'gone') continue;
      // transmit() counts the body in keepaliveBytes before it returns its promise.
      if (sender.keepaliveBytes() + entry.bytes > SWAN_SONG_MAX_BYTES) continue;
      sender
        .transmit(entry, body, true)
        .then((proceed) => {
          if (proceed) void sender.kick();
        })
        .catch(report.error);
    }
  }

  const onPageHide = report.guard(swanSong);
  const onVisibilityChange = report.guard(() => {
    if (win.document.visibilityState === 'hidden') swanSong();
  });
  win.addEventListener('pagehide', onPageHide);
  win.document.addEventListener('visibilitychange', onVisibilityChange);
  signal.addEventListener('abort', () => {
    win.removeEventListener('pagehide', onPageHide);
    win.document.removeEventListener('visibilitychange', onVisibilityChange);
  });
}
