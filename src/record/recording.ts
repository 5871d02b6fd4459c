import type { eventWithTime, incrementalData } from '@rrweb/types';
import type { PrivacyRules } from '../privacy';
import type { RecorderMirror } from './mirror';
import { fact, FACT } from '../facts';
import { mutationEvents } from './mutation-events';
import { collectMutations, type MutationEnv } from './mutations';
import { finishOnHide } from './finish-on-hide';
import { createPacer } from './pacer';
import { judgeRecord } from './judge';
import { serializeTree, walkTree, type SerializeScope } from './serialize';
import type { Pace } from './slices';
import { guard } from '../lib/guard';
import { patchMethod } from '../lib/patch';
import { EventType, IncrementalSource } from '../lib/rrweb';
import type { RecordContext, SamplingOptions } from './types';
import { mutationObserverOf } from './untouched';
import { contentDocumentOf } from './content-document';
import { createRootFeeds } from './root-feed';

const OBSERVE_OPTIONS: MutationObserverInit = { childList: true, subtree: true, attributes: true, characterData: true };
/**
 * How long mutation recording stays suspended after a storm before a fresh full snapshot is
 * tried. Chosen here, not measured: while the storm lasts a try ends at its first conflict,
 * about one 30 ms slice, so a try per second spends about 3% of the main thread.
 */
export const STORM_RETRY_MS = 1000;

export interface RecordingOptions {
  win: Window;
  mirror: RecorderMirror;
  privacy: PrivacyRules;
  sampling: Required<SamplingOptions>;
  /** Delivers an event; never throws. */
  emit(event: eventWithTime): void;
  reportError(error: unknown): void;
  /** Tells the developer, once, of something about the page that limits the recording. */
  warn(message: string): void;
  /** The interaction observers (record/observers/), started once per recorded document. */
  startObservers?(ctx: RecordContext): () => void;
}

interface FrameState {
  onLoad: () => void;
  doc: Document | null;
  stop: (() => void) | null;
}

/**
 * Records the window's document and every same-origin frame in it: Meta and FullSnapshot now,
 * then one Mutation per MutationObserver batch (cut in several events past MAX_ADDS_PER_MUTATION
 * adds; all documents and open shadow roots share one observer), a frame's document as rrweb's
 * attach-iframe Mutation whenever it (re)loads, and the interaction observers per document.
 * Returns the function that stops all of it.
 */
export function startRecording(options: RecordingOptions): () => void {
  const { win, mirror, privacy, reportError } = options;
  const placeholders = new Set<number>();
  const templates = new WeakMap<Node, Element>();
  const scopes = new WeakMap<Document, SerializeScope>();
  const feedOf = createRootFeeds();
  const frames = new Map<HTMLIFrameElement, FrameState>();
  const foundFrames: HTMLIFrameElement[] = [];
  let stopped = false;

  const guarded = <A extends unknown[]>(run: (...args: A) => void) => guard(reportError, run);

  const emit = (event: eventWithTime) => {
    if (!stopped) pacer.emit(event);
  };
  const emitIncremental = (data: incrementalData, timestamp = Date.now()) =>
    emit({ type: EventType.IncrementalSnapshot, data, timestamp } as eventWithTime);

  const env: MutationEnv = {
    mirror,
    privacy,
    placeholders,
    templates,
    scopeOf: (node) => {
      const doc = node.nodeType === 9 ? (node as Document) : (node.ownerDocument as Document);
      return doc === scope.doc ? scope : scopes.get(doc);
    },
  };

  function* mutationWalk(records: MutationRecord[], timestamp: number, pace: Pace) {
    const payload = yield* collectMutations(records, env, pace);
    return payload ? mutationEvents(payload, timestamp) : [];
  }

  /** Every node gets a fresh id in the next full snapshot: the replay starts over from it. */
  const forgetNodes = () => {
    mirror.release();
    placeholders.clear();
    for (const state of frames.values()) state.doc = null;
  };

  let retry: ReturnType<typeof setTimeout> | undefined;
  /**
   * Clarity's way with a storm: stop recording mutations (nothing observed, nothing queued), say
   * so with a `dropped` fact, and after STORM_RETRY_MS take a fresh full snapshot, which rrweb's
   * Replayer applies as a new start; a snapshot the storm still conflicts with starts this over.
   */
  const storm = (records: number) => {
    observer.disconnect();
    forgetNodes();
    emit(fact(FACT.dropped, { reason: 'mutation-storm', events: records, bytes: 0 }) as eventWithTime);
    retry = setTimeout(
      guarded(() => {
        if (stopped) return;
        scope.observe(doc);
        takeFullSnapshot(true);
      }),
      STORM_RETRY_MS,
    );
  };

  const pacer = createPacer({
    win,
    emit: options.emit,
    batch: mutationWalk,
    judge: (record) => judgeRecord(record, env),
    settled: attachFoundFrames,
    storm,
    reportError,
  });
  const onRecords = guarded((records: MutationRecord[]) => {
    if (!stopped) pacer.add(records);
  });
  const observer = new (mutationObserverOf(win, options.warn))(onRecords);
  // A shadow-DOM polyfill's root (ShadyDOM, LWC's synthetic shadow) is no Node the observer takes;
  // its content is physically inside the host, which the document's observation already covers.
  const observeRoot = (root: Node) => {
    try {
      observer.observe(root, OBSERVE_OPTIONS);
    } catch {}
  };
  const takeMutations = () => {
    const records = observer.takeRecords();
    if (records.length) onRecords(records);
  };

  const createScope = (doc: Document, rootId: number | undefined): SerializeScope => {
    const scope: SerializeScope = {
      doc,
      rootId,
      mirror,
      privacy,
      placeholders,
      templates,
      observe(root) {
        observeRoot(root);
        if ((root as ShadowRoot).host) feedOf(doc).notify(root as ShadowRoot);
        // Template content belongs to an inert document of its own; its nodes share this scope.
        const owner = root.ownerDocument;
        if (owner && owner !== doc && !scopes.has(owner)) scopes.set(owner, scope);
      },
      foundFrame: (frame) => foundFrames.push(frame),
      reportError,
    };
    scopes.set(doc, scope);
    return scope;
  };

  /**
   * Shadow roots attached later, observers: what every recorded document needs once it is in.
   * A MutationObserver sees into a shadow root only once it observes that root; roots that exist
   * when an element is serialized are found by the serializer, later ones through the window's
   * attachShadow, wrapped here once; both reach the observers through the document's root feed.
   */
  const startDocument = (doc: Document, docWindow: Window, emitEvent = emit): (() => void) => {
    const shadowRoots = feedOf(doc);
    const elementProto = (docWindow as Window & typeof globalThis).Element?.prototype;
    const stopWatching = elementProto
      ? patchMethod(elementProto, 'attachShadow', reportError, {
          after(host, _args, result) {
            const root = result as ShadowRoot;
            if (root.mode === 'open' && mirror.getId(host) !== -1 && !privacy.isExcluded(host)) observeRoot(root);
            shadowRoots.notify(root);
          },
        })
      : () => undefined;
    let stopObservers = () => undefined as void;
    if (options.startObservers) {
      const ctx: RecordContext = {
        doc,
        win: docWindow,
        mirror,
        privacy,
        sampling: options.sampling,
        emitIncremental,
        emit: emitEvent,
        reportError,
        onShadowRoot: shadowRoots.subscribe,
      };
      guarded(() => {
        stopObservers = (options.startObservers as (ctx: RecordContext) => () => void)(ctx);
      })();
    }
    shadowRoots.start();
    return () => {
      guarded(stopObservers)();
      stopWatching();
    };
  };

  const attachFrameDocument = (frame: HTMLIFrameElement) => {
    const state = frames.get(frame);
    const frameId = mirror.getId(frame);
    if (stopped || !state || frameId === -1 || privacy.isExcluded(frame)) return;
    // Ids handed out now would land inside the walk in progress; it attaches found frames when done.
    if (pacer.busy()) return void foundFrames.push(frame);
    const doc = contentDocumentOf(frame);
    const docWindow = doc?.defaultView;
    if (!doc || !docWindow || doc === state.doc) return;
    state.stop?.();
    // The document is the first node serializeTree gives an id, so its id is known in advance
    // and its nodes can carry it as rrweb's rootId.
    const scope = createScope(doc, mirror.lastId() + 1);
    scope.observe(doc);
    const node = serializeTree(doc, privacy.isMasked(frame), scope);
    if (!node) return;
    state.doc = doc;
    emitIncremental({
      source: IncrementalSource.Mutation,
      adds: [{ parentId: frameId, nextId: null, node }],
      removes: [],
      texts: [],
      attributes: [],
      isAttachIframe: true,
    });
    state.stop = startDocument(doc, docWindow);
    attachFoundFrames();
  };

  function attachFoundFrames() {
    while (foundFrames.length) {
      const frame = foundFrames.shift() as HTMLIFrameElement;
      if (!frames.has(frame)) {
        const onLoad = guarded(() => attachFrameDocument(frame));
        frames.set(frame, { onLoad, doc: null, stop: null });
        frame.addEventListener('load', onLoad);
      }
      attachFrameDocument(frame);
    }
  }

  const doc = win.document;
  const scope = createScope(doc, undefined);
  scope.observe(doc);

  /**
   * rrweb's Replayer treats a Meta event as the start of a new full snapshot (seeking discards
   * everything before the last Meta), so every Meta is followed by one, as rrweb's checkouts are.
   * The snapshot is walked in slices; `withMeta` puts the Meta right before it, once it is whole.
   */
  const takeFullSnapshot = (withMeta: boolean) => {
    // Whatever the observer still holds is part of the snapshot now.
    observer.takeRecords();
    privacy.invalidate();
    forgetNodes();
    const timestamp = Date.now();
    const meta = { type: EventType.Meta, data: { href: win.location.href, width: win.innerWidth, height: win.innerHeight }, timestamp } as eventWithTime;
    const initialOffset = { left: win.scrollX, top: win.scrollY };
    pacer.begin(function* snapshotWalk(pace) {
      const node = yield* walkTree(doc, privacy.isMasked(doc), scope, pace);
      const events = node ? [{ type: EventType.FullSnapshot, data: { node, initialOffset }, timestamp } as eventWithTime] : [];
      return withMeta ? [meta, ...events] : events;
    });
  };

  takeFullSnapshot(true);
  const stopMain = startDocument(doc, win, (event) => {
    emit(event);
    if (event.type === EventType.Meta && !stopped) guarded(takeFullSnapshot)(false);
  });

  const finishPending = guarded(() => {
    takeMutations();
    pacer.finish();
  });
  const stopFinishOnHide = finishOnHide(win, finishPending);

  return () => {
    if (stopped) return;
    // Pending records and the walk in progress still belong to the recording.
    finishPending();
    stopFinishOnHide();
    stopped = true;
    clearTimeout(retry);
    pacer.stop();
    observer.disconnect();
    for (const [frame, state] of frames) {
      frame.removeEventListener('load', state.onLoad);
      guarded(() => state.stop?.())();
    }
    frames.clear();
    stopMain();
  };
}
