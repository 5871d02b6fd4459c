import type { eventWithTime } from '@rrweb/types';
import type { NodeMirror, RecordOptions } from '../record/types';
import type { Privacy, PrivacyOptions } from '../privacy/types';
import type { TransportOptions } from '../transport';

/*
 * The shapes of the parts the session composes, as docs/architecture.md fixes them. The
 * session takes them as a value (see defaults.ts) so tests can substitute a part and so a part
 * that has not landed yet is simply absent.
 */
export interface HeuristicsHandle {
  observe(event: eventWithTime): void;
  flush(): void;
  stop(): void;
}

export interface PageHandle {
  flush(): void;
  stop(): void;
}

export interface TransportHandle {
  push(event: eventWithTime): void;
  flush(): Promise<void>;
  stop(): void;
  discard(): Promise<void>;
}

export type TransportStartOptions = TransportOptions;

export interface Parts {
  record?: (options: RecordOptions) => () => void;
  createPrivacy?: (options: PrivacyOptions) => Privacy;
  createMirror?: () => NodeMirror;
  startHeuristics?: (options: { next: (event: eventWithTime) => void; mirror: NodeMirror; privacy: Privacy; window?: Window }) => HeuristicsHandle;
  startPage?: (options: { emit: (event: eventWithTime) => void; window?: Window }) => PageHandle;
  startTransport?: (options: TransportStartOptions) => TransportHandle;
}
