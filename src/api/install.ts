import type { ApiEntry } from './api';
import type { FSApi, InitOptions } from './types';

interface Stub {
  (...args: unknown[]): unknown;
  q?: Parameters<ApiEntry>[];
  _api?: ApiEntry;
  /** FullStory's snippets keep the page's original fetch and XMLHttpRequest here. */
  _w?: { fetch?: typeof fetch };
  [method: string]: unknown;
}

/** FullStory's `init` operation (snippet 2.1, `@fullstory/browser`): `{ env: { orgId, host, script, … } }`. */
interface InitEnv {
  orgId?: string;
  host?: string;
  captureOnStartup?: boolean;
  cookieDomain?: string;
  isOuterScript?: boolean;
}

export type SnippetWindow = Window & {
  _fs_org?: string;
  _fs_host?: string;
  _fs_namespace?: string;
  /** openstory's own options for the script tag (requireConsent, cookieDomain, exclude, …). */
  _fs_options?: Partial<InitOptions>;
  /** FullStory's delayed capture: `false` waits for `FS('start')`. */
  _fs_capture_on_startup?: boolean;
  _fs_cookie_domain?: string;
  /** FullStory's "record this frame as its own session". */
  _fs_is_outer_script?: boolean;
  /** Called once capture has started (FullStory: when the session URL is known). */
  _fs_ready?: () => void;
} & Record<string, unknown>;

/**
 * What fs.js does when it arrives: reads the configuration from whichever snippet loaded it
 * (FullStory 2.1's queued `init` and its script URL's `?org=` and `data-fs-namespace`, or the
 * 2.0 / openstory globals), starts capture, hands the namespace's stub the real API and its
 * methods, and replays the stub's queue in order.
 */
export function installFromSnippet(win: SnippetWindow, start: (options: InitOptions) => FSApi): void {
  const script = win.document.currentScript as HTMLScriptElement | null;
  const namespace = script?.getAttribute('data-fs-namespace') || win._fs_namespace || 'FS';
  const stub = win[namespace] as Stub | undefined;
  const queue = (typeof stub === 'function' && stub.q) || [];
  const env: InitEnv = Object.assign({}, ...queue.filter((entry) => entry[0] === 'init').map((entry) => (entry[1] as { env?: InitEnv })?.env));
  const opts = win._fs_options;
  const api = start({
    ...opts,
    orgId: env.orgId ?? win._fs_org ?? (script?.src && new URL(script.src).searchParams.get('org')) ?? '',
    host: env.host ?? win._fs_host ?? '',
    cookieDomain: env.cookieDomain ?? win._fs_cookie_domain ?? opts?.cookieDomain,
    recordOnlyThisIFrame: env.isOuterScript ?? win._fs_is_outer_script ?? opts?.recordOnlyThisIFrame,
    startCaptureManually: env.captureOnStartup === false || win._fs_capture_on_startup === false || opts?.startCaptureManually === true,
    // Our requests go out through the page's original fetch (FullStory's snippet keeps it), else the
    // one the page has now: wrappers the page adds later are not in our path.
    transport: { ...opts?.transport, fetch: stub?._w?.fetch ?? win.fetch },
  }) as FSApi & { _api?: ApiEntry };
  const ready = win._fs_ready;
  let readied = false;
  if (typeof ready === 'function') api('observe', { type: 'start', callback: () => readied || ((readied = true), ready()) });
  if (stub === undefined) {
    win[namespace] = api;
    return;
  }
  if (typeof stub !== 'function' || !api._api || stub._api === api._api) return;
  stub._api = api._api;
  // FullStory's older stub queues while `q` is set, so calls made during the replay join its end.
  for (let i = 0; i < queue.length; i++) api._api(...queue[i]);
  delete stub.q;
  // Every v1 method, also those FullStory's stub lacks until its fs.js arrives (getCurrentSessionURL).
  for (const method of Object.keys(api)) if (method !== '_api') stub[method] = api[method as keyof FSApi];
}
