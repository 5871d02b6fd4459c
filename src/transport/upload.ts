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

/**
 * POSTs a body. The swan song uses keepalive fetch; where fetch is missing or refuses keepalive
 * synchronously it falls back to sendBeacon, whose answer is never known.
 */
export async function upload(request: UploadRequest, win: Window, fetcher = win.fetch): Promise<Outcome> {
  let pending: Promise<Response>;
  try {
    pending = fetcher.call(win, request.url, {
      method: 'POST',
      body: request.body as BodyInit,
      headers: { 'content-type': CONTENT_TYPE },
      credentials: 'omit',
      mode: 'cors',
      keepalive: request.keepalive,
      signal: request.signal,
    });
  } catch {
    const beacon = win.navigator.sendBeacon?.bind(win.navigator);
    if (request.keepalive && beacon?.(request.url, new Blob([request.body as BlobPart], { type: CONTENT_TYPE }))) {
      return { kind: 'beaconed' };
    }
    return { kind: 'retry', status: 0, afterMs: null };
  }
  try {
    return await classify(await pending, Date.now());
  } catch {
    return { kind: 'retry', status: 0, afterMs: null };
  }
}
