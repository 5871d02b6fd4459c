import type { PrivacyOptions } from '../privacy/types';
import type { SamplingOptions } from '../record/types';
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
  /** Honor Do Not Track and Global Privacy Control. Default true; false turns the gate off. */
  honorDoNotTrack?: boolean;
  /** Cookie domain, e.g. `example.com`, so `a.example.com` and `b.example.com` share one user. */
  cookieDomain?: string;
  /** A session ends after this long without activity (ms). Default 30 minutes. */
  inactivityTimeout?: number;
  /** A session ends after this long in any case (ms). Default 24 hours. */
  maxSessionLength?: number;
  sampling?: SamplingOptions;
  /** Batching, caps, backoff and persistence of the transport (docs/transport.md). */
  transport?: Pick<TransportOptions, 'thresholds' | 'caps' | 'backoff' | 'persist'>;
}

export type LogLevel = 'log' | 'info' | 'warn' | 'error' | 'debug';

/** `FS.getCurrentSessionURL` / `FS('getSession', { format })`. */
export type SessionFormat = 'url' | 'url.now' | 'id';

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
}
