import type { eventWithTime } from '@rrweb/types';
import { guard } from '../lib/guard';
import { EventType, IncrementalSource } from '../lib/rrweb';
import { nextTask } from '../lib/next-task';
import { createSignal } from '../lib/signal';
import type { PageMetadata } from '../protocol';
import type { Privacy, PrivacyOptions } from '../privacy/types';
import type { Ids } from './identity';
import type { HeuristicsHandle, PageHandle, Parts, TransportHandle } from './parts';
import type { TransportOptions } from '../transport';
import type { InitOptions, LogLevel } from './types';
import { INGEST_PATH } from '../protocol';

/** rrweb IncrementalSnapshot sources that are the user acting. */
const USER_ACTIVITY_SOURCES = new Set<number>([
  IncrementalSource.MouseMove,
  IncrementalSource.MouseInteraction,
  IncrementalSource.Scroll,
  IncrementalSource.Input,
  IncrementalSource.TouchMove,
  IncrementalSource.Drag,
  IncrementalSource.Selection,
]);

export function isUserActivity(event: eventWithTime): boolean {
  return event.type === EventType.IncrementalSnapshot && USER_ACTIVITY_SOURCES.has((event.data as { source: number }).source);
}

/**
 * The page as the transport describes it; its URLs through the URL rules when there are rules.
 * The time zone is read in a task of its own after the start: a page's first Intl call loads the
 * time zone data, 12-13 ms of the start's task in a fresh Chromium page (traced, bench/storm.ts).
 * Read on first use instead, it fell into the task that cuts the first bundle, with the snapshot's
 * JSON: 50 ms on a 50,000-node page.
 */
export function pageMetadata(win: Window, privacy?: Privacy, startTime?: number): PageMetadata {
  const redact = (url: string) => (privacy ? privacy.redactUrl(url) : url);
  let timeZone: string | undefined;
  const readTimeZone = () => {
    try {
      timeZone ??= Intl.DateTimeFormat().resolvedOptions().timeZone ?? '';
    } catch {
      timeZone = ''; // very old engines without Intl time zones
    }
    return timeZone;
  };
  // In the first task after the start's, ahead of the snapshot's slices (also nextTask continuations);
  // a window with neither scheduler.yield nor MessageChannel leaves it to the first bundle.
  nextTask(win).then(readTimeZone, () => undefined);
  return {
    url: redact(win.location.href),
    referrer: redact(win.document.referrer),
    userAgent: win.navigator.userAgent,
    screenWidth: win.screen?.width ?? 0,
    screenHeight: win.screen?.height ?? 0,
    viewportWidth: win.innerWidth,
    viewportHeight: win.innerHeight,
    get timeZone() {
      return readTimeZone();
    },
    language: win.navigator.language ?? '',
    startTime: startTime || Math.round(win.performance?.timeOrigin ?? Date.now()),
  };
}

/** FullStory's log levels (FS.log and the console); it keeps console messages of every level by default. */
export const LOG_LEVELS: LogLevel[] = ['log', 'info', 'warn', 'error', 'debug'];

/**
 * The SDK's own uploads (to the collector's ingest path, as transport/upload.ts builds it) are
 * never captured as page requests, whichever fetch or sendBeacon sent them.
 */
export function ownRequest(host: string): (url: string) => boolean {
  const ingest = `${(/^https?:\/\//i.test(host) ? host : `https://${host}`).replace(/\/+$/, '')}${INGEST_PATH}`;
  return (url) => url.startsWith(ingest);
}

export interface PipelineOptions {
  parts: Parts;
  ids: Ids;
  host: string;
  orgId: string;
  win: Window;
  privacy: PrivacyOptions;
  transport: InitOptions['transport'] & Pick<TransportOptions, 'sequence'>;
  sampling: InitOptions['sampling'];
  recordCanvas: InitOptions['recordCanvas'];
  console?: InitOptions['console'];
  /** Whether console messages are kept now (init's `console`, then FS('enableConsole'/'disableConsole')). */
  consoleOn?: () => boolean;
  network?: InitOptions['network'];
  /** When this page record starts (epoch ms); the page load when absent. */
  startTime?: number;
  /** Called for every event that shows the user acting, before it enters the stream. */
  onActivity(at: number): void;
  reportError(error: unknown): void;
}

export interface Pipeline {
  /** Puts a fact (or any event) into the stream, through the heuristics like recorded events. */
  emit(event: eventWithTime): void;
  /** Flushes what the stages hold, stops every observer, and hands the rest to the collector. */
  stop(): Promise<void>;
  /** Stops everything and deletes what is queued locally, sending nothing more. */
  discard(): Promise<void>;
  /** The visitor's element-level consent changed: every later read of the page follows it. */
  setConsent(granted: boolean): void;
}

/**
 * One page's capture under fixed ids: recorder ─► heuristics ─► transport, with page facts and
 * API facts entering at the heuristics like recorded events. A new user, session or page means
 * a new pipeline, so every bundle a transport cuts carries the ids its events were recorded under.
 * The privacy rules are compiled once here and are the ones every part reads the page with; the
 * page's errors are observed once, by page telemetry, and reach the heuristics through a signal.
 */
export function startPipeline(options: PipelineOptions): Pipeline | null {
  const { parts, ids, win, reportError } = options;
  const attempt = guard(reportError, (start: () => unknown) => start()) as <T>(start: () => T) => T | undefined;
  let heuristics: HeuristicsHandle | undefined;
  let page: PageHandle | undefined;
  let stopped = false;
  const privacy = attempt(() => parts.createPrivacy?.(options.privacy));

  const transport: TransportHandle | undefined = attempt(() =>
    parts.startTransport?.({
      ...options.transport,
      host: options.host,
      orgId: options.orgId,
      identity: () => ids,
      page: pageMetadata(win, privacy, options.startTime),
      window: win,
      onHide: () => {
        attempt(() => heuristics?.flush());
        attempt(() => page?.flush());
      },
    }),
  );
  if (!transport) return null;
  const send = (event: eventWithTime) => attempt(() => transport.push(event));
  const mirror = attempt(() => parts.createMirror?.());
  const pageErrors = createSignal();
  if (privacy && mirror) {
    heuristics = attempt(() => parts.startHeuristics?.({ next: send, mirror, privacy, pageErrors: pageErrors.subscribe, window: win }));
  }
  const emit = (event: eventWithTime) => {
    if (stopped) return;
    if (heuristics) attempt(() => heuristics?.observe(event));
    else send(event);
  };
  // Without the session's rules nothing is recorded: the recorder never falls back to rules of its own.
  const stopRecord = privacy && attempt(() =>
    parts.record?.({
      privacy,
      sampling: options.sampling,
      recordCanvas: options.recordCanvas,
      mirror,
      window: win,
      emit: (event) => {
        if (stopped) return;
        if (isUserActivity(event)) options.onActivity(event.timestamp);
        // The recorder's Meta events carry the page URL (load and every SPA route): through the URL rules.
        if (event.type === EventType.Meta) event.data.href = privacy.redactUrl(event.data.href);
        emit(event);
      },
    }),
  );
  const maskSecrets = options.privacy.formPrivacy !== false;
  page = attempt(() => parts.startPage?.({
    emit,
    window: win,
    onError: pageErrors.notify,
    privacy,
    console: { levels: Array.isArray(options.console) ? options.console : LOG_LEVELS, maskSecrets, on: options.consoleOn },
    network: options.network === false ? undefined : { options: options.network, maskBodies: maskSecrets, isOwn: ownRequest(options.host) },
  }));

  const halt = () => {
    attempt(() => stopRecord?.());
    attempt(() => page?.stop());
    attempt(() => heuristics?.stop());
  };
  const finish = async (last: () => Promise<void>) => {
    await attempt(last)?.catch(reportError);
    attempt(() => transport.stop());
  };
  return {
    emit,
    setConsent(granted) {
      attempt(() => privacy?.setConsent(granted));
    },
    async stop() {
      if (stopped) return;
      attempt(() => heuristics?.flush());
      attempt(() => page?.flush());
      stopped = true;
      halt();
      await finish(() => transport.flush());
    },
    async discard() {
      stopped = true;
      halt();
      await finish(() => transport.discard());
    },
  };
}
