import { INGEST_PATH, PROTOCOL_VERSION, type IngestResponse } from '../protocol';
import type { Encoding } from './encode';
import { retryAfterMs } from './retry';

/** What the collector's answer means for the bundle (docs/protocol.md, "Answers"). */
export type Outcome =
  | { kind: 'delivered' }
  | { kind: 'rejected'; status: number; code: string }
  | { kind: 'too-large' }
  /** Keep the bundle; `afterMs` is the collector's Retry-After when it gave one. */
  | { kind: 'retry'; status: number; afterMs: number | null }
  /** Handed to sendBeacon: the browser will deliver it, the answer is never known. */
  | { kind: 'beaconed' };

const CONTENT_TYPE = 'text/plain;charset=UTF-8';

export function endpoint(host: string, enc: Encoding): string {
  const base = (/^https?:\/\//i.test(host) ? host : `https://${host}`).replace(/\/+$/, '');
  return `${base}${INGEST_PATH}?v=${PROTOCOL_VERSION}&enc=${enc}`;
}

async function refusalCode(response: Response): Promise<string> {
  const answer = (await response.json().catch(() => null)) as IngestResponse | null;
  return typeof answer?.error === 'string' ? answer.error : String(response.status);
}

export async function classify(response: Response, now: number): Promise<Outcome> {
  const { status } = response;
  if (status >= 200 && status < 300) {
    response.body?.cancel().catch(() => undefined);
    return { kind: 'delivered' };
  }
  if (status === 413) return { kind: 'too-large' };
  if (status === 408 || status === 429 || status >= 500) {
    return { kind: 'retry', status, afterMs: retryAfterMs(response.headers.get('Retry-After'), now) };
  }
  return { kind: 'rejected', status, code: await refusalCode(response) };
}

export interface UploadRequest {
  url: string;
  body: Uint8Array;
  /** The swan song: the request must outlive the page (and counts against the 64 KiB keepalive budget). */
  keepalive: boolean;
  signal?: AbortSignal;
}

/** A response, or how the request failed: `throws` synchronously (fetch missing or refusing the request), `fails` before any answer. */
type Attempt = Response | 'throws' | 'fails';

async function post(request: UploadRequest, win: Window, fetcher: typeof fetch): Promise<Attempt> {
  let pending: Promise<Response>;
  try {
    pending = fetcher.call(win, request.url, {
      method: 'POST',
      body: request.body as BodyInit,
      // text/plain is CORS-safelisted: our own requests need no preflight.
      headers: { 'content-type': CONTENT_TYPE },
      credentials: 'omit',
      keepalive: request.keepalive,
      signal: request.signal,
    });
  } catch {
    return 'throws';
  }
  return pending.catch(() => 'fails' as const);
}

const UNREACHED: Outcome = { kind: 'retry', status: 0, afterMs: null };

/**
 * POSTs a body (docs/transport.md, "Hostile pages"). Every answer must be readable: a request that
 * fails before any answer is retried with backoff, never sent blind (a no-cors request's opaque
 * answer cannot tell an acknowledgement from a proxy's 502, so data would be lost in outages).
 * A page's fetch wrapper that adds a header only costs a preflight: the collector allows the
 * headers a preflight asks for. Where fetch throws synchronously (missing, or refusing keepalive),
 * sendBeacon carries the body; its answer is never known.
 */
export async function upload(request: UploadRequest, win: Window, fetcher = win.fetch): Promise<Outcome> {
  const attempt = await post(request, win, fetcher);
  if (typeof attempt !== 'string') return classify(attempt, Date.now()).catch(() => UNREACHED);
  const beacon = win.navigator.sendBeacon?.bind(win.navigator);
  if (attempt === 'throws' && beacon?.(request.url, new Blob([request.body as BlobPart], { type: CONTENT_TYPE }))) {
    return { kind: 'beaconed' };
  }
  return UNREACHED;
}
