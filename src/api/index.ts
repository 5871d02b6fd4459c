import { guard } from '../lib/guard';
import { createApi } from './api';
import { createCore } from './core';
import { defaultParts } from './defaults';
import type { Parts } from './parts';
import type { FSApi, InitOptions } from './types';
import { createWarner } from '../lib/warn-once';

export type { FSApi, InitOptions, LogLevel, Observer, SessionDetails, SessionFormat } from './types';

/** Where a window keeps its one capture, so a second snippet, fs.js or init() reuses it. */
const CAPTURE_KEY = Symbol.for('openstory.capture');

type CaptureWindow = Window & { [CAPTURE_KEY]?: FSApi };

/** The window's capture, if one started (fs.js, the snippet or init). */
export const captureOf = (win: Window | undefined): FSApi | undefined => (win as CaptureWindow | undefined)?.[CAPTURE_KEY];

const INERT_METHODS = 'identify anonymize setUserVars setVars event log shutdown restart consent identifyAccount clearUserCookie enableConsole disableConsole';
/** What init answers where nothing is captured (server-side rendering, devMode): every call does nothing. */
export function inertApi(): FSApi {
  const fs = (() => undefined) as unknown as FSApi;
  for (const name of INERT_METHODS.split(' ')) (fs as unknown as Record<string, unknown>)[name] = () => undefined;
  fs.getCurrentSessionURL = fs.getCurrentSession = () => null;
  return fs;
}

/** The capture of a same-origin parent frame, which records this frame already; cross-origin parents throw. */
function parentCapture(win: Window): FSApi | undefined {
  try {
    return win.parent !== win ? captureOf(win.parent) : undefined;
  } catch {
    return undefined;
  }
}

/** Test seam: the same as init with other parts (tests substitute a transport). */
export function initWith(options: InitOptions, parts: Parts, win: Window | undefined = globalThis.window): FSApi {
  if (!win?.document) return inertApi();
  const target = win as CaptureWindow;
  // FullStory records a same-origin frame as part of its parent's session: calls join the parent's.
  const existing = target[CAPTURE_KEY] ?? (options?.recordOnlyThisIFrame ? undefined : parentCapture(win));
  if (existing) return existing;
  const con = (win as Window & typeof globalThis).console;
  const warn = createWarner(con);
  const start = guard(
    (error) => warn('internal', `could not start capture: ${String(error)}`),
    () => {
      const missing = (['orgId', 'host'] as const).filter((name) => !options?.[name]);
      if (missing.length) {
        con.error(`[openstory] missing ${missing.join(' and ')} (the snippet's org and host, or init's options); nothing is captured.`);
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
