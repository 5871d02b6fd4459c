import type { ApiEntry } from './api';
import type { FSApi, InitOptions } from './types';

interface Stub {
  (...args: unknown[]): unknown;
  q?: Parameters<ApiEntry>[];
  _api?: ApiEntry;
  [method: string]: unknown;
}

export type SnippetWindow = Window & {
  _fs_org?: string;
  _fs_host?: string;
  _fs_namespace?: string;
  /** openstory's own options for the script tag (requireConsent, cookieDomain, exclude, …). */
  _fs_options?: Partial<InitOptions>;
  /** FullStory's delayed capture: `false` waits for `FS('start')`. */
  _fs_capture_on_startup?: boolean;
} & Record<string, unknown>;

const API_METHODS = ['identify', 'anonymize', 'setUserVars', 'event', 'log', 'shutdown', 'restart', 'consent', 'getCurrentSessionURL'] as const;

/**
 * What fs.js does when it arrives: starts capture with the snippet's variables, hands the
 * namespace's stub (ours or FullStory's) the real API, and replays the stub's queue in order.
 */
export function installFromSnippet(win: SnippetWindow, start: (options: InitOptions) => FSApi): void {
  const namespace = win._fs_namespace || 'FS';
  const manual = win._fs_capture_on_startup === false || win._fs_options?.startCaptureManually === true;
  const api = start({ ...win._fs_options, startCaptureManually: manual, orgId: win._fs_org ?? '', host: win._fs_host ?? '' }) as FSApi & {
    _api?: ApiEntry;
  };
  const stub = win[namespace] as Stub | undefined;
  if (stub === undefined) {
    win[namespace] = api;
    return;
  }
  if (typeof stub !== 'function' || !api._api || stub._api === api._api) return;
  stub._api = api._api;
  // FullStory's older stub queues while `q` is set, so calls made during the replay join its end.
  const queue = stub.q ?? [];
  for (let i = 0; i < queue.length; i++) api._api(...queue[i]);
  delete stub.q;
  for (const method of API_METHODS) stub[method] = api[method];
}
