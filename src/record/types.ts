import type { eventWithTime, incrementalData } from '@rrweb/types';
import type { PrivacyRules } from '../privacy';
import type { Privacy, PrivacyOptions } from '../privacy/types';

/** Maps recorded nodes to the ids used in the event stream, and back. */
export interface NodeMirror {
  /** The node's id, or -1 when it was not serialized (excluded, or not yet seen). */
  getId(node: Node): number;
  getNode(id: number): Node | null;
}

export interface SamplingOptions {
  /** Minimum ms between two recorded mouse/touch positions (rrweb's default is 50). */
  mousemove?: number;
  /** ms over which recorded positions are batched into one MouseMove event. */
  mousemoveBatch?: number;
  /** Minimum ms between two Scroll events for one target. */
  scroll?: number;
}

export interface RecordOptions extends PrivacyOptions {
  /** Receives every event, in order. Must not throw; if it does, the error is reported once. */
  emit: (event: eventWithTime) => void;
  sampling?: SamplingOptions;
  /** Record canvases as images (docs/recorder.md, "Canvas"). Default false. */
  recordCanvas?: boolean;
  /**
   * Filled by the recorder as it serializes nodes, so later stages (heuristics) can resolve the
   * ids in the stream to live nodes. The recorder creates its own when none is given.
   */
  mirror?: NodeMirror;
  /** Defaults to the global window. */
  window?: Window;
  /**
   * Rules from createPrivacy(), for a recorder that shares them with other parts (the session
   * does). The privacy options above are then not read; without it they are compiled here.
   */
  privacy?: PrivacyRules;
}

/**
 * What the recorder core hands to the interaction observers (record/observers/), once per
 * recorded document: the main document and each same-origin iframe's.
 */
export interface RecordContext {
  doc: Document;
  win: Window;
  mirror: NodeMirror;
  privacy: Privacy;
  sampling: Required<SamplingOptions>;
  emitIncremental(data: incrementalData, timestamp?: number): void;
  /** Emits any rrweb event (observers use it for Meta on SPA navigation). */
  emit(event: eventWithTime): void;
  /** Reports an internal error once to the console; never rethrows into the page. */
  reportError(error: unknown): void;
  /**
   * Calls `listener` (guarded) with every shadow root attached from now on in this document's
   * window; the recorder owns the one attachShadow wrapper. Returns the unsubscribe.
   */
  onShadowRoot(listener: (root: ShadowRoot) => void): () => void;
}
