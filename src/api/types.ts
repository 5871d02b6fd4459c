import type { PrivacyOptions } from '../privacy/types';
import type { SamplingOptions } from '../record/types';
import type { NetworkOptions } from '../page/network';
import type { TransportOptions } from '../transport';

export interface InitOptions extends Omit<PrivacyOptions, 'consent'> {
  /** The org id the collector knows this site by (`window._fs_org` for the snippet). */
  orgId: string;
  /** The collector's base URL, e.g. `http://127.0.0.1:8080`; a bare host name means https. */
  host: string;
  /**
   * Nothing is recorded, stored or sent until `consent(true)`, and `consent(false)` stops capture
   * and forgets the device. Default false: `consent()` is then FullStory's element-level consent.
   */
  requireConsent?: boolean;
  /**
   * Nothing is recorded, stored or sent until `FS('start')` / `FS.restart()` (FullStory's
   * `window._fs_capture_on_startup = false`). Default false.
   */
  startCaptureManually?: boolean;
  /**
   * Inside a frame: record it as its own session (FullStory's `_fs_is_outer_script`). Default false:
   * a same-origin frame whose parent records joins the parent's capture instead of starting a second one.
   */
  recordOnlyThisIFrame?: boolean;
  /** Honor Do Not Track and Global Privacy Control. Default true; false turns the gate off. */
  honorDoNotTrack?: boolean;
  /** Cookie domain, e.g. `example.com`, so `a.example.com` and `b.example.com` share one user. */
  cookieDomain?: string;
  /** A session ends after this long without activity (ms). Default 30 minutes. */
  inactivityTimeout?: number;
  /** A session ends after this long in any case (ms). Default 24 hours. */
  maxSessionLength?: number;
  sampling?: SamplingOptions;
  /**
   * Record what 2D and WebGL canvases show, as images a few times a second (FullStory: canvas
   * recording, off by default). Default false; fs.js then loads canvas.js from beside itself.
   */
  recordCanvas?: boolean;
  /** Batching, caps, backoff and persistence of the transport (docs/transport.md). */
  transport?: Pick<TransportOptions, 'thresholds' | 'caps' | 'backoff' | 'persist' | 'fetch'>;
  /** Console messages kept, as FullStory keeps them by default: false for none, or the levels kept. Default every level. */
  console?: boolean | LogLevel[];
  /** Network capture (docs/page.md): false turns it off; `allowUrls` and `headers` keep details of those URLs. Default on, no bodies or headers. */
  network?: false | NetworkOptions;
}

export type LogLevel = 'log' | 'info' | 'warn' | 'error' | 'debug';

/** `FS.getCurrentSessionURL` / `FS('getSession', { format })`. */
export type SessionFormat = 'url' | 'url.now' | 'id' | 'all';

/** `FS('getSession', { format: 'all' })`. */
export interface SessionDetails {
  orgId: string;
  userId: string;
  sessionId: string;
  pageId: string;
}

/** What `FS('observe', …)` answers; `failed` when nothing was registered. */
export interface Observer {
  disconnect(): void;
  failed?: true;
}

/**
 * FullStory's browser API in both styles: v1 methods (`FS.identify(...)`) and the v2 function
 * (`FS('setIdentity', {...})`, with an `Async` suffix answering a Promise).
 */
export interface FSApi {
  (operation: string, options?: unknown, source?: string): unknown;
  identify(uid: string | false, userVars?: Record<string, unknown>): void;
  anonymize(): void;
  setUserVars(userVars: Record<string, unknown>): void;
  event(name: string, properties?: Record<string, unknown>): void;
  log(levelOrMessage: string, message?: string): void;
  shutdown(): void;
  restart(): void;
  consent(granted?: boolean): void;
  getCurrentSessionURL(now?: boolean): string | null;
  /** `FS.setVars('page' | 'user', properties)`. */
  setVars(type: string, properties?: Record<string, unknown>): void;
  /** FullStory's session id, `UserId:SessionId`. */
  getCurrentSession(): string | null;
  /** No-ops, as in FullStory's snippet (and its console toggles). */
  identifyAccount(...args: unknown[]): void;
  clearUserCookie(...args: unknown[]): void;
  enableConsole(): void;
  disableConsole(): void;
}
