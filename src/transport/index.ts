import type { eventWithTime } from '@rrweb/types';
import { createBuffer } from './buffer';
import { createDropTally } from './caps';
import { createCutter } from './cut';
import { openHandoff } from './handoff';
import { adoptLeftovers } from './leftovers';
import { DEFAULT_BACKOFF, DEFAULT_CAPS, DEFAULT_THRESHOLDS, type TransportOptions } from './options';
import type { TransportParts } from './parts';
import { openPersistence } from './persist';
import { createQueue } from './queue';
import { createReporter } from './report';
import { createSender } from './send';
import { createBundleStorage } from './storage';
import { createStringTable, MIN_REFERENCED_CHARS } from './strings';
import { EventType } from '../lib/rrweb';
import { listenForUnload } from './swan-song';

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

/**
 * Buffer → cut (cut.ts) → queue (queue.ts) → where each bundle lives (storage.ts, over IndexedDB
 * and the localStorage hand-off) → delivery (send.ts); the unload path is swan-song.ts, and
 * earlier pages' bundles join through leftovers.ts. stop() aborts one signal every part undoes
 * its timers and listeners on.
 */
export function startTransport(options: TransportOptions): Transport {
  const win = options.window ?? window;
  const stopping = new AbortController();
  const persist = options.persist !== false;
  const parts: TransportParts = {
    options,
    win,
    caps: { ...DEFAULT_CAPS, ...options.caps },
    thresholds: { ...DEFAULT_THRESHOLDS, ...options.thresholds },
    backoff: { ...DEFAULT_BACKOFF, ...options.backoff },
    signal: stopping.signal,
    report: createReporter(),
    buffer: createBuffer(),
    drops: createDropTally(),
    queue: createQueue(options.sequence),
    persistence: persist ? openPersistence(options.host, options.orgId, win) : null,
    handoff: persist ? openHandoff(options.host, options.orgId, win) : null,
    strings: createStringTable(win, options.host + options.orgId, options.thresholds?.stringChars ?? MIN_REFERENCED_CHARS),
  };
  const { caps, thresholds, signal, report, buffer, drops, queue } = parts;
  // These callbacks name parts created below; none runs before start-up is over (a drop, an encoded body).
  const storage = createBundleStorage(parts, () => cutter.armTimer());
  const cutter = createCutter(parts, storage, () => void sender.kick());
  const leftovers = adoptLeftovers(parts, storage);
  const sender = createSender(parts, storage, leftovers, cutter.encode);
  listenForUnload(parts, storage, cutter, sender);
  void sender.kick();

  return {
    push: report.guard((event: eventWithTime) => {
      if (signal.aborted) return;
      let json: string;
      try {
        // Facts (Custom events) stay plain: the collector reads them on arrival, before any expansion.
        json = JSON.stringify(event, event.type === EventType.Custom ? undefined : parts.strings.replace);
      } catch (error) {
        report.once('unserializable', 'an event could not be serialized; it is dropped', error);
        drops.add('rejected', 1, 0);
        return;
      }
      if (storage.memoryBytes() + json.length > caps.memoryBytes) storage.enforceMemoryCap(json.length);
      // Still no room: bundles are being encoded faster than they can be saved or sent.
      if (storage.memoryBytes() + json.length > caps.memoryBytes) {
        drops.add('memory-cap', 1, json.length);
        cutter.armTimer();
        return;
      }
      buffer.add(json);
      if (buffer.chars >= thresholds.sizeBytes) cutter.cut();
      else cutter.armTimer();
    }),

    flush: async () => {
      try {
        if (signal.aborted) return;
        cutter.cut();
        await cutter.encoded();
        await sender.kick();
      } catch (error) {
        report.error(error);
      }
    },

    stop: report.guard(() => {
      if (signal.aborted) return;
      report.guard(cutter.cut)();
      stopping.abort();
    }),

    discard: async () => {
      try {
        buffer.drain();
        drops.takeFacts(Date.now());
        await storage.discard();
      } catch (error) {
        report.error(error);
      }
    },

    usage: () => ({
      bufferedEvents: buffer.count,
      pendingBundles: queue.all().length,
      memoryBytes: storage.memoryBytes(),
      storageBytes: storage.storageBytes(),
    }),
  };
}
