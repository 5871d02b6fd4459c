import { fact, type FactEvent, type RequestFact } from '../facts';
import { patchMethod } from '../lib/patch';
import type { Safety } from '../lib/safety';
import type { Privacy } from '../privacy/types';
import { MAX_BODY_TEXT, MAX_REQUEST_FACTS, MAX_REQUEST_TEXT } from './constants';
import { maskSecrets } from './mask-secrets';

/** Which requests keep details (Sentry's `networkDetailAllowUrls`, PostHog's network options). */
export interface NetworkOptions {
  /** URL patterns (substrings or regular expressions) whose bodies and `headers` are kept. Default none. */
  allowUrls?: Array<string | RegExp>;
  /** Header names (case-insensitive) kept for allow-listed URLs. Default none. */
  headers?: string[];
}

export interface NetworkContext {
  safety: Safety;
  privacy?: Privacy;
  /** Mask card-number-like and email-like substrings of bodies (Form Privacy on). */
  maskBodies: boolean;
  /** The SDK's own requests (the collector's ingest URL): never captured. */
  isOwn(url: string): boolean;
  options?: NetworkOptions;
}

/** What Resource Timing reports that the patches below capture themselves, once installed. */
const PATCHED_INITIATORS = new Set(['fetch', 'xmlhttprequest', 'beacon']);

/** The XHR events of which exactly one ends a request. */
const END_EVENTS = ['load', 'error', 'abort', 'timeout'];

/** The size of a request body when it can be known without reading a stream. */
function bodySize(body: unknown): number | undefined {
  if (typeof body === 'string') return body.length;
  if (body instanceof Blob) return body.size;
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return body.byteLength;
  if (body instanceof URLSearchParams) return String(body).length;
  return undefined;
}

/**
 * One `request` fact per fetch, XMLHttpRequest and sendBeacon call and per resource the page
 * loads (Resource Timing), failed and aborted ones included. The page's call is never delayed:
 * the wrappers only note the start and attach to the returned promise or the XHR's end events;
 * bodies are read (from a clone) only for allow-listed URLs. Undone by `stop()` with the patch rules.
 */
export function watchNetwork(win: Window & typeof globalThis, emit: (event: FactEvent) => void, context: NetworkContext) {
  const { safety, privacy, options = {} } = context;
  const restores: Array<() => void> = [];
  const headerNames = (options.headers ?? []).map((name) => name.toLowerCase());
  let kept = 0;
  let text = 0;
  let dropped = 0;
  let droppedText = 0;
  let stopped = false;

  const absolute = (url: unknown) => {
    try {
      return new URL(String(url), win.location.href).href;
    } catch {
      return String(url);
    }
  };
  const allowed = (url: string) => (options.allowUrls ?? []).some((pattern) => (typeof pattern === 'string' ? url.includes(pattern) : pattern.test(url)));
  const clean = (text: string) => {
    const capped = text.slice(0, MAX_BODY_TEXT);
    return privacy && context.maskBodies ? maskSecrets(capped, privacy.maskText) : capped;
  };
  function record(payload: RequestFact): void {
    if (stopped) return;
    payload.ReqUrl = privacy ? privacy.redactUrl(payload.ReqUrl) : payload.ReqUrl;
    const size = payload.ReqUrl.length + (payload.reqBody?.length ?? 0) + (payload.resBody?.length ?? 0);
    if (kept >= MAX_REQUEST_FACTS || text + size > MAX_REQUEST_TEXT) {
      dropped++;
      droppedText += size;
      return;
    }
    kept++;
    text += size;
    payload.duration = Math.round(payload.duration);
    emit(fact('request', payload));
  }
  const pick = (get: (name: string) => string | null) => {
    const headers: Record<string, string> = {};
    for (const name of headerNames) {
      const value = get(name);
      if (value !== null) headers[name] = value;
    }
    return headers;
  };

  if (typeof win.fetch === 'function') {
    restores.push(patchMethod(win, 'fetch', safety.report, {
      after(_, [input, init], result) {
        const request = input instanceof Request ? input : undefined;
        const url = absolute(request ? request.url : input);
        if (context.isOwn(url)) return;
        const start = Date.now();
        const body = (init as RequestInit | undefined)?.body;
        const payload: RequestFact = {
          EventStart: start, ReqUrl: url, ReqMethod: ((init as RequestInit | undefined)?.method ?? request?.method ?? 'GET').toUpperCase(),
          ReqStatus: 0, duration: 0, initiator: 'fetch', reqSize: bodySize(body),
        };
        const detail = allowed(url);
        if (detail && typeof body === 'string') payload.reqBody = clean(body);
        (result as Promise<Response>).then(
          safety.wrap((response: Response) => {
            payload.ReqStatus = response.status;
            payload.duration = Date.now() - start;
            const length = Number(response.headers.get('content-length'));
            if (length) payload.resSize = length;
            if (!detail) return record(payload);
            payload.headers = pick((name) => response.headers.get(name));
            response.clone().text().then(
              safety.wrap((text: string) => record({ ...payload, resBody: clean(text) })),
              () => record(payload),
            );
          }),
          safety.wrap((error: unknown) => {
            payload.duration = Date.now() - start;
            payload.failed = (error as Error | undefined)?.name === 'AbortError' ? 'abort' : 'error';
            record(payload);
          }),
        );
      },
    }));
  }

  const xhr = win.XMLHttpRequest?.prototype;
  if (xhr) {
    const opened = new WeakMap<XMLHttpRequest, { method: string; url: string }>();
    restores.push(patchMethod(xhr, 'open', safety.report, {
      before: (request, [method, url]) => void opened.set(request, { method: String(method).toUpperCase(), url: absolute(url) }),
    }));
    restores.push(patchMethod(xhr, 'send', safety.report, {
      before(request, [body]) {
        const open = opened.get(request);
        if (!open || context.isOwn(open.url)) return;
        const start = Date.now();
        const detail = allowed(open.url);
        const end = safety.wrap((event: Event) => {
          // One of the four ends each send; a reused XHR gets new listeners with its next send.
          for (const type of END_EVENTS) request.removeEventListener(type, end);
          const payload: RequestFact = {
            EventStart: start, ReqUrl: open.url, ReqMethod: open.method, ReqStatus: request.status,
            duration: Date.now() - start, initiator: 'xmlhttprequest', reqSize: bodySize(body),
          };
          if (event.type !== 'load') payload.failed = event.type === 'abort' ? 'abort' : 'error';
          const text = request.responseType === '' || request.responseType === 'text' ? request.responseText : undefined;
          const length = Number(request.getResponseHeader('content-length')) || text?.length;
          if (length) payload.resSize = length;
          if (detail) {
            if (typeof body === 'string') payload.reqBody = clean(body);
            if (text !== undefined) payload.resBody = clean(text);
            payload.headers = pick((name) => request.getResponseHeader(name));
          }
          record(payload);
        });
        for (const type of END_EVENTS) request.addEventListener(type, end);
      },
    }));
  }

  if (typeof win.navigator?.sendBeacon === 'function') {
    restores.push(patchMethod(win.navigator, 'sendBeacon', safety.report, {
      after(_, [url, data], queued) {
        const href = absolute(url);
        if (context.isOwn(href)) return;
        const payload: RequestFact = { EventStart: Date.now(), ReqUrl: href, ReqMethod: 'POST', ReqStatus: 0, duration: 0, initiator: 'beacon', reqSize: bodySize(data) };
        if (!queued) payload.failed = 'error';
        record(payload);
      },
    }));
  }

  if (typeof win.PerformanceObserver === 'function' && win.PerformanceObserver.supportedEntryTypes?.includes('resource')) {
    // Requests the page made before the patches (telemetry.js arrives a moment after capture starts)
    // are reported from Resource Timing, which does not know a fetch's or an XHR's method.
    const patchedAt = win.performance.now();
    const observer = new win.PerformanceObserver(safety.wrap((list: PerformanceObserverEntryList) => {
      for (const entry of list.getEntries() as PerformanceResourceTiming[]) {
        if ((PATCHED_INITIATORS.has(entry.initiatorType) && entry.startTime >= patchedAt) || context.isOwn(entry.name)) continue;
        const payload: RequestFact = {
          EventStart: Math.round(win.performance.timeOrigin + entry.startTime), ReqUrl: entry.name, ReqMethod: entry.initiatorType === 'beacon' ? 'POST' : 'GET',
          // responseStatus is Chromium's (109+); 0 elsewhere and for cross-origin resources without Timing-Allow-Origin.
          ReqStatus: (entry as { responseStatus?: number }).responseStatus ?? 0, duration: entry.duration, initiator: entry.initiatorType,
        };
        if (entry.transferSize) payload.resSize = entry.transferSize;
        record(payload);
      }
    }));
    observer.observe({ type: 'resource', buffered: true });
    restores.push(() => observer.disconnect());
  }

  return {
    /** Reports the requests beyond the caps since the last report as a `dropped` fact (`bytes`: characters of their URLs and bodies). */
    flush(): void {
      if (!dropped) return;
      emit(fact('dropped', { reason: 'page-cap', events: dropped, bytes: droppedText }));
      dropped = droppedText = 0;
    },
    stop(): void {
      stopped = true;
      for (const restore of restores.splice(0)) restore();
    },
  };
}
