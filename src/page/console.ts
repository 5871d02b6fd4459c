import { fact, type ConsoleFact, type ErrorFact, type FactEvent } from '../facts';
import { CONSOLE_FACT_INTERVAL_MS, MAX_ERROR_FACTS, MAX_ERROR_TEXT } from './constants';
import { patchMethod } from '../lib/patch';
import type { Safety } from '../lib/safety';

type Level = keyof ConsoleFact;
const LEVEL_OF: Record<string, Level> = {
  log: 'PageNumInfos',
  info: 'PageNumInfos',
  warn: 'PageNumWarnings',
  error: 'PageNumErrors',
};

function describeReason(reason: unknown): { message: string; stack?: string } {
  if (reason instanceof Error) return { message: `${reason.name}: ${reason.message}`, stack: reason.stack };
  try {
    return { message: typeof reason === 'string' ? reason : JSON.stringify(reason) ?? String(reason) };
  } catch {
    return { message: String(reason) };
  }
}

function errorFact(kind: ErrorFact['kind'], message: string, stack?: string, url?: string): ErrorFact {
  const payload: ErrorFact = { kind, message: message.slice(0, MAX_ERROR_TEXT) };
  if (stack) payload.stack = stack.slice(0, MAX_ERROR_TEXT);
  if (url) payload.EventWebSourceFileUrl = url;
  return payload;
}

/**
 * Running totals of console calls per page (log+info, warn, error; uncaught errors and unhandled
 * rejections count as errors), sent as throttled `console` facts, and an `error` fact for each
 * uncaught error or rejection. Console arguments themselves are host data and are not captured.
 * `onPageError` learns of every error counted: this is the SDK's one console.error and window error
 * observer, which the heuristics' error signal subscribes to.
 */
export function watchConsole(win: Window & typeof globalThis, emit: (event: FactEvent) => void, safety: Safety, onPageError: () => void) {
  const totals: ConsoleFact = { PageNumInfos: 0, PageNumWarnings: 0, PageNumErrors: 0 };
  const restores: Array<() => void> = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let dirty = false;
  let errorFacts = 0;

  function send(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (!dirty) return;
    dirty = false;
    emit(fact('console', { ...totals }));
  }

  function count(level: Level): void {
    if (level === 'PageNumErrors') onPageError();
    totals[level]++;
    dirty = true;
    if (timer === undefined) timer = setTimeout(safety.wrap(send), CONSOLE_FACT_INTERVAL_MS);
  }

  function reportError(payload: ErrorFact): void {
    count('PageNumErrors');
    if (errorFacts >= MAX_ERROR_FACTS) return;
    errorFacts++;
    emit(fact('error', payload));
  }

  for (const method of Object.keys(LEVEL_OF)) {
    restores.push(patchMethod(win.console, method as keyof Console, safety.report, { before: () => count(LEVEL_OF[method]) }));
  }
  const onError = safety.wrap((event: ErrorEvent) => {
    // Resource load failures reach window listeners only in the capture phase and carry no message.
    if (!('message' in event)) return;
    const error = event.error as unknown;
    reportError(
      errorFact('error', event.message || describeReason(error).message, error instanceof Error ? error.stack : undefined, event.filename),
    );
  });
  const onRejection = safety.wrap((event: PromiseRejectionEvent) => {
    const { message, stack } = describeReason(event.reason);
    reportError(errorFact('unhandledrejection', message, stack));
  });
  win.addEventListener('error', onError);
  win.addEventListener('unhandledrejection', onRejection);
  restores.push(() => {
    win.removeEventListener('error', onError);
    win.removeEventListener('unhandledrejection', onRejection);
  });

  return {
    flush: send,
    stop(): void {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      for (const restore of restores.splice(0)) restore();
    },
  };
}
