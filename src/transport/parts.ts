import type { EventBuffer } from './buffer';
import type { DropTally } from './caps';
import type { Handoff } from './handoff';
import type { BackoffOptions, TransportCaps, TransportOptions, TransportThresholds } from './options';
import type { Persistence } from './persist';
import type { Queue } from './queue';
import type { Reporter } from './report';
import type { StringTable } from './strings';

/** What startTransport creates first and hands to every module (one object: fewer names in the SDK bundle). */
export interface TransportParts {
  options: TransportOptions;
  win: Window;
  caps: TransportCaps;
  thresholds: TransportThresholds;
  backoff: BackoffOptions;
  /** Aborted by stop(): each part removes its listeners and clears its timers on it, and no request or timer starts after it. */
  signal: AbortSignal;
  report: Reporter;
  buffer: EventBuffer;
  drops: DropTally;
  queue: Queue;
  persistence: Persistence | null;
  handoff: Handoff | null;
  strings: StringTable;
}
