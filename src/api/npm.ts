import { defaultParts } from './defaults';
import { captureOf, inertApi, initWith } from './index';
import type { FSApi, InitOptions } from './types';

/** `@fullstory/browser`'s options besides openstory's; `script` and `debug` concern FullStory's CDN script. */
export interface FullStoryInitOptions extends InitOptions {
  /** The global the API is also installed under when free (default `FS`), as the official package does. */
  namespace?: string;
  script?: string;
  debug?: boolean;
  /** Record nothing: every call does nothing (FullStory's development mode). */
  devMode?: boolean;
  /** Not supported: openstory records a cross-origin frame only where its own fs.js runs. */
  recordCrossDomainIFrames?: boolean;
}

/** `@fullstory/browser`'s ready callback: called when a session starts, with its URL. */
export type ReadyCallback = (data: { sessionUrl: string; settings: Readonly<object> }) => void;

const PREFIX = '[openstory] ';

/**
 * `@fullstory/browser`'s init: starts capture and answers openstory's FS API object. Once per
 * window: a second call is ignored with FullStory's warning. In Node it does nothing.
 */
export function init(options: FullStoryInitOptions, readyCallback?: ReadyCallback): FSApi {
  const win = globalThis.window as unknown as (Window & Record<string, unknown>) | undefined;
  const existing = captureOf(win);
  if (existing) {
    console.warn(`${PREFIX}FullStory init has already been called once, additional invocations are ignored`);
    return existing;
  }
  if (options?.recordCrossDomainIFrames) console.warn(`${PREFIX}recordCrossDomainIFrames is not supported; this frame records only with its own fs.js.`);
  if (options?.devMode) {
    console.warn(`${PREFIX}FullStory was initialized in devMode and will stop recording`);
    return inertApi();
  }
  const api = initWith(options, defaultParts);
  const namespace = options?.namespace || 'FS';
  if (win?.document && !(namespace in win)) win[namespace] = api;
  if (readyCallback) api('observe', { type: 'start', callback: readyCallback });
  return api;
}

/** True once init has started capture in this window (fs.js or init). */
export const isInitialized = (): boolean => captureOf(globalThis.window) !== undefined;

/**
 * `@fullstory/browser`'s `FullStory`: the v2 function and the v1 methods of this window's capture.
 * Before init every call does nothing and answers undefined.
 */
export const FullStory = new Proxy(inertApi(), {
  apply: (_target, _this, args: Parameters<FSApi>) => (captureOf(globalThis.window) ?? inertApi())(...args),
  get: (target, name) => (captureOf(globalThis.window) ?? target)[name as keyof FSApi],
}) as FSApi;
