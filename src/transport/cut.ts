import type { DroppedFact } from '../facts';
import { STRING_REF } from '../protocol';
import { FIRST_BUNDLE_EVENT_CHARS, bundleText, envelopeFor } from './bundle';
import { encodeBody } from './encode';
import { setBody, type Pending } from './pending';
import type { TransportParts } from './parts';
import type { BundleStorage } from './storage';

/** Turns buffered events into numbered bundles and their encoded bodies. */
export interface Cutter {
  /** Moves the buffer into bundles (the first of a page stays small) and starts encoding them. */
  cut(): Pending[];
  /** Cuts `thresholds.timeMs` after now unless a cut is due already. */
  armTimer(): void;
  /** Encodes a bundle's source; when done, the body is saved and the delivery loop kicked. */
  encode(entry: Pending): void;
  /** Settles when the encodings started so far are over. */
  encoded(): Promise<void>;
}

/** `onEncoded`: a body is ready to send. */
export function createCutter(parts: TransportParts, storage: BundleStorage, onEncoded: () => void): Cutter {
  const { options, win, thresholds, signal, buffer, drops, queue, report, strings } = parts;
  const encoding = new Set<Promise<void>>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  function encode(entry: Pending) {
    if (entry.residency.kind !== 'encoding') return;
    const { envelope, events } = entry.residency.source;
    const task = encodeBody(bundleText(envelope, events), win)
      .then(({ body, enc }) => {
        // Gone, or the swan song re-encoded it synchronously meanwhile.
        if (entry.residency.kind !== 'encoding') return;
        setBody(entry, body, enc);
        storage.save([entry]);
        storage.enforceMemoryCap();
        onEncoded();
      })
      .catch(report.error)
      .finally(() => encoding.delete(task));
    encoding.add(task);
  }

  function cut(): Pending[] {
    clearTimeout(timer);
    timer = undefined;
    if (buffer.count === 0 && !drops.pending) return [];
    const who = options.identity();
    const now = Date.now();
    const cutOne = (events: string[], carriedDrops: DroppedFact[] = []) => {
      const range = queue.nextRange(who.pageId);
      const envelope = envelopeFor(options.orgId, who, range, options.page, now);
      const [refs, defined] = strings.define(events, who.sessionId);
      // Never null here: every reference in this page's buffer was made by this page's table.
      if (defined) envelope.strings = defined;
      const entry = queue.enqueue(envelope, events, range);
      entry.carriedDrops = carriedDrops;
      entry.refs = refs;
      return entry;
    };
    const cutNow: Pending[] = [];
    // The first bundle stays small with its definitions too: it takes no event with a reference.
    if (!queue.hasCut(who.pageId)) cutNow.push(cutOne(buffer.take(FIRST_BUNDLE_EVENT_CHARS, false, (json) => json.includes(STRING_REF))));
    if (buffer.count > 0 || drops.pending) {
      const events = buffer.drain();
      const facts = drops.takeFacts(now);
      for (const dropped of facts) events.push(JSON.stringify(dropped));
      cutNow.push(cutOne(events, facts.map((dropped) => dropped.data.payload)));
    }
    for (const entry of cutNow) encode(entry);
    return cutNow;
  }

  signal.addEventListener('abort', () => clearTimeout(timer));

  return {
    cut,
    armTimer() {
      if (timer === undefined && !signal.aborted) timer = setTimeout(report.guard(cut), thresholds.timeMs);
    },
    encode,
    encoded: () => Promise.all([...encoding]).then(() => undefined),
  };
}
