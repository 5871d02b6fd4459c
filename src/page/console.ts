import { fact, type ConsoleFact, type ErrorFact, type FactEvent, type LogFact } from '../facts';
import { CONSOLE_FACT_INTERVAL_MS, MAX_ERROR_FACTS, MAX_ERROR_TEXT, MAX_LOG_FACTS, MAX_LOG_TEXT } from './constants';
import { describeArgs } from './describe';
import { maskSecrets } from './mask-secrets';
import { patchMethod } from '../lib/patch';
import type { Safety } from '../lib/safety';
import type { Privacy } from '../privacy/types';
import { ERROR_EVENTS, type EarlyErrors } from './telemetry/early-errors';

type Level = keyof ConsoleFact;
const LEVEL_OF: Record<string, Level> = {
  log: 'PageNumInfos',
  info: 'PageNumInfos',
  warn: 'PageNumWarnings',
  error: 'PageNumErrors',
};

/** Which console messages are kept as `log` facts (FullStory captures console messages by default). */
export interface ConsoleCapture {
  /** The levels kept; none keeps counting only. */
  levels: ReadonlyArray<LogFact['level']>;
  /** Mask card-number-like and email-like substrings of messages (Form Privacy on). */
  maskSecrets: boolean;
  /** Asked at each call: FS('disableConsole') turns keeping off (counts go on). Default on. */
  on?: () => boolean;
}

export interface ConsoleContext {
  safety: Safety;
  /** Learns of every error counted. */
  onPageError: () => void;
  privacy?: Privacy;
  capture?: ConsoleCapture;
  /** Errors fs.js kept before this watcher started; the heuristics heard of them then. */
  early?: EarlyErrors;
  /** The element whose event is being dispatched now (dispatch.ts), for withPrivacy. */
  target?: () => Node | null;
}

function describeReason(reason: unknown): { message: string; stack?: string } {
  if (reason instanceof Error) return { message: `${reason.name}: ${reason.message}`, stack: reason.stack };
  try {
    return { message: typeof reason === 'string' ? reason : JSON.stringify(reason) ?? String(reason) };
  } catch {
    return { message: String(reason) };
  }
}

function errorFact(kind: ErrorFact['kind'], message: string, stack?: string, event?: ErrorEvent): ErrorFact {
  const payload: ErrorFact = { kind, message: message.slice(0, MAX_ERROR_TEXT) };
  if (stack) payload.stack = stack.slice(0, MAX_ERROR_TEXT);
  if (event?.filename) payload.EventWebSourceFileUrl = event.filename;
  if (event?.lineno) payload.line = event.lineno;
  if (event?.colno) payload.column = event.colno;
  return payload;
}

/**
 * An error as it may leave: thrown while an event on an excluded or masked element was being
 * handled, its message (and the message at the top of its stack) is masked, since handlers of
 * such elements often put their content in messages; every URL in it goes through the URL rules.
 */
function withPrivacy(payload: ErrorFact, privacy: Privacy, target: Node | null | undefined): ErrorFact {
  const hidden = !!target && (privacy.isExcluded(target) || privacy.isMasked(target));
  const out: ErrorFact = { ...payload, message: privacy.redactUrl(hidden ? privacy.maskText(payload.message) : payload.message) };
  // Stack frames ("    at f (url:1:2)", "f@url:1:2") stay; the lines before them are the message.
  if (payload.stack) out.stack = privacy.redactUrl(hidden ? payload.stack.split('\n').filter((line) => STACK_FRAME.test(line)).join('\n') : payload.stack);
  if (payload.EventWebSourceFileUrl) out.EventWebSourceFileUrl = privacy.redactUrl(payload.EventWebSourceFileUrl);
  return out;
}

const STACK_FRAME = /^\s+at\s|@\S*:\d+:\d+$/;

/**
 * Running totals of console calls per page (log+info, warn, error; uncaught errors and unhandled
 * rejections count as errors), sent as throttled `console` facts, and an `error` fact for each
 * uncaught error or rejection, with its script, line and column. Messages at the `capture` levels
 * become `log` facts (arguments described by describeArgs, through the URL rules), at most
 * MAX_LOG_FACTS per page; the rest are counted in a `dropped` fact. `onPageError` learns of every
 * error counted: this is the SDK's one console.error and window error observer, which the
 * heuristics' error signal subscribes to (with fs.js's early buffer before it, telemetry/early-errors.ts).
 */
export function watchConsole(win: Window & typeof globalThis, emit: (event: FactEvent) => void, context: ConsoleContext) {
  const { safety, onPageError, privacy, capture = { levels: [], maskSecrets: true }, early, target } = context;
  const totals: ConsoleFact = { PageNumInfos: 0, PageNumWarnings: 0, PageNumErrors: 0 };
  const restores: Array<() => void> = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let dirty = false;
  let errorFacts = 0;
  let logFacts = 0;
  let logText = 0;
  let droppedLogs = 0;

  function send(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (!dirty) return;
    dirty = false;
    emit(fact('console', { ...totals }));
    // A message beyond the caps is not described, so its size is not known: bytes 0.
    if (droppedLogs) emit(fact('dropped', { reason: 'page-cap', events: droppedLogs, bytes: 0 }));
    droppedLogs = 0;
  }

  // A console call made while one is kept (a logger wrapping ours, a reporter of ours) is not kept again.
  let keeping = false;
  function keep(level: LogFact['level'], args: unknown[]): void {
    if (keeping || !capture.levels.includes(level) || capture.on?.() === false) return;
    if (logFacts >= MAX_LOG_FACTS || logText >= MAX_LOG_TEXT) {
      droppedLogs++;
      dirty = true;
      return;
    }
    keeping = true;
    try {
      let message = describeArgs(args);
      if (privacy) message = privacy.redactUrl(capture.maskSecrets ? maskSecrets(message, privacy.maskText) : message);
      logFacts++;
      logText += message.length;
      emit(fact('log', { level, message, console: 1 }));
    } finally {
      keeping = false;
    }
  }

  function count(level: Level, heard = false): void {
    if (level === 'PageNumErrors' && !heard) onPageError();
    totals[level]++;
    dirty = true;
    if (timer === undefined) timer = setTimeout(safety.wrap(send), CONSOLE_FACT_INTERVAL_MS);
  }

  /**
   * An uncaught error or rejection; `at` is the element whose event was being dispatched. One fs.js
   * kept (`time`: when it happened) is one onPageError has heard of.
   */
  function reportError(event: ErrorEvent | PromiseRejectionEvent, at: Node | null | undefined, time?: number): void {
    let payload: ErrorFact;
    if (event.type === 'unhandledrejection') {
      const { message, stack } = describeReason((event as PromiseRejectionEvent).reason);
      payload = errorFact('unhandledrejection', message, stack);
    } else {
      // Resource load failures reach window listeners only in the capture phase and carry no message.
      if (!('message' in event)) return;
      const error = event.error as unknown;
      payload = errorFact('error', event.message || describeReason(error).message, error instanceof Error ? error.stack : undefined, event);
    }
    count('PageNumErrors', time !== undefined);
    if (errorFacts >= MAX_ERROR_FACTS) return;
    errorFacts++;
    emit(fact('error', privacy ? withPrivacy(payload, privacy, at) : payload, time));
  }

  for (const method of [...Object.keys(LEVEL_OF), 'debug'] as Array<LogFact['level']>) {
    restores.push(patchMethod(win.console, method, safety.report, {
      before(_, args) {
        if (LEVEL_OF[method]) count(LEVEL_OF[method]);
        keep(method, args);
      },
    }));
  }
  const onError = safety.wrap((event: ErrorEvent | PromiseRejectionEvent) => reportError(event, target?.()));
  for (const type of ERROR_EVENTS) win.addEventListener(type, onError as EventListener);
  restores.push(() => {
    for (const type of ERROR_EVENTS) win.removeEventListener(type, onError as EventListener);
  });
  if (early) {
    // Beyond the first MAX_ERROR_FACTS, fs.js kept only their number.
    totals.PageNumErrors += early.count - early.events.length;
    for (const [event, at, time] of early.events) safety.run(() => reportError(event, at, time));
  }

  return {
    flush: send,
    stop(): void {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      for (const restore of restores.splice(0)) restore();
    },
  };
}
