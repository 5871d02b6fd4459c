import { guard } from '../lib/guard';
import type { Core } from './core';
import type { FSApi, SessionFormat } from './types';
import type { Warn } from '../lib/warn-once';

type Options = Record<string, unknown>;
const asObject = (value: unknown): Options => (typeof value === 'object' && value !== null ? (value as Options) : {});
const SESSION_FORMATS: SessionFormat[] = ['url', 'url.now', 'id', 'all'];

/**
 * One operation of the v2 function API, or of the queue FullStory's v1 snippet fills
 * (`user`, `event`, `rec`, `log`, `consent`, `setVars`); both map onto the same core.
 */
function run(core: Core, warn: Warn, operation: string, options: unknown): unknown {
  const opts = asObject(options);
  switch (operation) {
    // v2
    case 'setIdentity':
      if ('consent' in opts) return core.consent(opts.consent !== false);
      if (opts.anonymous === true || opts.uid === false) return core.anonymize();
      return core.identify(opts.uid, opts.properties);
    case 'setProperties':
      if (opts.type === 'page') return core.setPageVars(opts.properties);
      // FullStory's v2 snippet queues identify(uid, vars) as user properties carrying `uid`.
      if (opts.type === 'user') return run(core, warn, 'user', opts.properties);
      return warn(`properties:${String(opts.type)}`, `FS('setProperties'): type must be 'user' or 'page'; the call is ignored.`);
    case 'trackEvent':
      return core.event(opts.name, opts.properties);
    case 'shutdown':
      return core.shutdown();
    case 'restart':
    case 'start':
      return core.restart();
    case 'getSession': {
      const format = (opts.format ?? 'url') as SessionFormat;
      return core.session(SESSION_FORMATS.includes(format) ? format : 'url');
    }
    case 'observe':
      return core.observe(opts.type, opts.callback);
    case 'log':
      return Array.isArray(options) ? core.log(options[0], options[1]) : core.log(opts.level, opts.msg ?? opts.message);
    // v1 snippet queue
    case 'user':
      if (opts.uid === false) return core.anonymize();
      if ('uid' in opts) {
        const { uid, ...vars } = opts;
        return Object.keys(vars).length ? core.identify(uid, vars) : core.identify(uid, undefined);
      }
      return core.setUserVars(opts);
    case 'event':
      return core.event(opts.n, opts.p);
    case 'rec':
      return options === false ? core.shutdown() : core.restart();
    case 'consent':
      return core.consent(options !== false);
    case 'enableConsole':
    case 'disableConsole':
      return core.setConsole(operation === 'enableConsole');
    case 'setVars': {
      const [type, properties] = Array.isArray(options) ? options : [];
      return run(core, warn, 'setProperties', { type, properties });
    }
    // Known to FullStory and without effect here: init is read when fs.js arrives (install.ts);
    // the others tune FullStory's own servers, console capture or element ids.
    case 'init':
    case 'account':
    case 'setConfig':
    case 'source':
    case 'stat':
    case 'setPage':
    case 'getConfig':
    case 'getFullstoryId':
      return undefined;
    default:
      return warn(`unknown:${operation}`, `FS('${String(operation)}') is not a known operation; the call is ignored.`);
  }
}

const ASYNC_SUFFIX = /Async$/;

/**
 * The API object: callable in FullStory's v2 style and carrying the v1 methods. The same
 * function serves as the snippet stub's `_api`, which passes resolve/reject for `…Async` calls.
 */
export function createApi(core: Core, warn: Warn): FSApi & { _api: ApiEntry } {
  const entry: ApiEntry = (operation, options, _source, resolve, reject) =>
    guard(
      (error) => {
        warn('api-error', `internal error in FS('${String(operation)}'): ${String(error)}`);
        reject?.(error);
      },
      () => {
        const result = run(core, warn, String(operation).replace(ASYNC_SUFFIX, ''), options);
        resolve?.(result);
        return result;
      },
    )();
  const fs = ((operation: string, options?: unknown, source?: string) => {
    if (!ASYNC_SUFFIX.test(String(operation))) return entry(operation, options, source);
    return new Promise((resolve, reject) => entry(operation, options, source, resolve, reject));
  }) as FSApi & { _api: ApiEntry };
  // Each v1 method guarded on its own, so an error names the method the site called.
  const methods: { [Name in keyof FSApi]: FSApi[Name] } = {
    identify: (uid, userVars) => core.identify(uid, userVars),
    anonymize: () => core.anonymize(),
    setUserVars: (userVars) => core.setUserVars(userVars),
    event: (name, properties) => core.event(name, properties),
    log: (levelOrMessage, message) => (message === undefined ? core.log(undefined, levelOrMessage) : core.log(levelOrMessage, message)),
    shutdown: () => core.shutdown(),
    restart: () => core.restart(),
    consent: (...args: [boolean?]) => core.consent(args.length === 0 || args[0] !== false),
    setVars: (type, properties) => void run(core, warn, 'setProperties', { type, properties }),
    getCurrentSession: () => core.session('id') as string | null,
    getCurrentSessionURL: (now) => core.session(now ? 'url.now' : 'url') as string | null,
    enableConsole: () => core.setConsole(true),
    disableConsole: () => core.setConsole(false),
    // No-ops in FullStory's own snippet.
    identifyAccount: () => undefined,
    clearUserCookie: () => undefined,
  };
  fs._api = entry;
  for (const [name, call] of Object.entries(methods)) {
    (fs as unknown as Record<string, unknown>)[name] = guard((error) => warn('api-error', `internal error in FS.${name}: ${String(error)}`), call as (...args: unknown[]) => unknown);
  }
  return fs;
}

/** The snippet stub's hand-off: (operation, options, source, resolve, reject, apiVersion). */
export type ApiEntry = (
  operation: string,
  options?: unknown,
  source?: string,
  resolve?: (value: unknown) => void,
  reject?: (reason: unknown) => void,
  apiVersion?: number,
) => unknown;
