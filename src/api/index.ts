import { guard } from '../lib/guard';
import { createApi } from './api';
import { createCore } from './core';
import { defaultParts } from './defaults';
import type { Parts } from './parts';
import type { FSApi, InitOptions } from './types';
import { createWarner } from './warn';

export type { FSApi, InitOptions, LogLevel, SessionFormat } from './types';

/** Where a window keeps its one capture, so a second snippet, fs.js or init() reuses it. */
const CAPTURE_KEY = Symbol.for('openstory.capture');

type CaptureWindow = Window & { [CAPTURE_KEY]?: FSApi };

const noop = () => undefined;
/** What init answers where there is no page (server-side rendering): every call does nothing. */
function inertApi(): FSApi {
  const fs = (() => undefined) as unknown as FSApi;
  return Object.assign(fs, {
    identify: noop,
    anonymize: noop,
    setUserVars: noop,
    event: noop,
    log: noop,
    shutdown: noop,
    restart: noop,
    consent: noop,
    getCurrentSessionURL: () => null,
  });
}

/** Test seam: the same as init with other parts (tests substitute a transport). */
export function initWith(options: InitOptions, parts: Parts, win: Window | undefined = globalThis.window): FSApi {
  if (!win?.document) return inertApi();
  const target = win as CaptureWindow;
  const existing = target[CAPTURE_KEY];
  if (existing) return existing;
  const warn = createWarner((win as Window & typeof globalThis).console);
  const start = guard(
    (error) => warn('internal', `could not start capture: ${String(error)}`),
    () => {
      if (!options?.orgId || !options.host) {
        warn('options', 'init needs { orgId, host }; nothing is captured.');
        return inertApi();
      }
      const api = createApi(createCore(options, { win, parts, warn, now: () => Date.now() }), warn);
      target[CAPTURE_KEY] = api;
      return api;
    },
  );
  return start() ?? inertApi();
}

/**
 * Starts capture for this page and answers the FS API object. One capture per window: a second
 * call answers the first one's API. In Node (server-side rendering) it does nothing.
 */
export function init(options: InitOptions): FSApi {
  return initWith(options, defaultParts);
}
