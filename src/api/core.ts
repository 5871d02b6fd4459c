import type { eventWithTime } from '@rrweb/types';
import { FACT, fact, type FactPayloads, type FactTag, type LogFact, type PageVarsFact, type UserVarsFact } from '../facts';
import { createCookieJar } from './cookies';
import { isPrivacySignalOn } from './gates';
import { normalizeHost } from './host';
import {
  DEFAULT_INACTIVITY_MS,
  DEFAULT_MAX_SESSION_MS,
  SESSION_COOKIE,
  USER_COOKIE,
  USER_COOKIE_MAX_AGE_S,
  createIdentityStore,
  newId,
  type Ids,
} from './identity';
import type { Parts } from './parts';
import { createObservers } from './observe';
import { LOG_LEVELS, startPipeline, type Pipeline } from './pipeline';
import { MAX_EVENT_NAME_LENGTH, fitsPayload, normalizePageVars, normalizeProperties, normalizeUserVars, withinUserCap } from './properties';
import { EVENT_RATE_LIMIT, USER_RATE_LIMIT, createRateLimiter, type RateLimit } from './rate-limit';
import type { InitOptions, LogLevel, Observer, SessionDetails, SessionFormat } from './types';
import type { Warn } from '../lib/warn-once';

/** Remembers the visitor's answer to `consent()`, as long as the user cookie: '1' granted, '0' refused. */
export const CONSENT_COOKIE = '_os_consent';
/** API calls made while awaiting consent, kept until it is given. */
export const MAX_PENDING_CALLS = 100;
/** Longest `FS.log` message kept; longer ones are cut. Our choice (a console line, not a document). */
export const MAX_LOG_MESSAGE_LENGTH = 4096;

export interface CoreEnvironment {
  win: Window;
  parts: Parts;
  warn: Warn;
  now: () => number;
}

export interface Core {
  identify(uid: unknown, userVars: unknown): void;
  anonymize(): void;
  setUserVars(userVars: unknown, call?: string): void;
  setPageVars(properties: unknown): void;
  event(name: unknown, properties: unknown): void;
  log(level: unknown, message: unknown): void;
  consent(granted: boolean): void;
  /** FS('enableConsole') / FS('disableConsole'): console messages are kept or not from now on. */
  setConsole(on: boolean): void;
  shutdown(): void;
  restart(): void;
  session(format: SessionFormat): string | SessionDetails | null;
  /** FS('observe'): `start` hears every session capture starts ({ sessionUrl, settings }), `shutdown` every stop. */
  observe(type: unknown, callback: unknown): Observer;
}

/**
 * The one session object: gates (Do Not Track / GPC, consent, shutdown), identity and session
 * ids, API validation and rate limits, and the capture pipeline the ids are recorded under.
 */
export function createCore(options: InitOptions, { win, parts, warn, now }: CoreEnvironment): Core {
  const host = normalizeHost(String(options.host ?? ''), win.location?.protocol);
  const orgId = String(options.orgId ?? '');
  const blocked = options.honorDoNotTrack !== false && isPrivacySignalOn(win);
  const cookies = createCookieJar(win.document, options.cookieDomain);
  const store = createIdentityStore({
    cookies,
    now,
    inactivityMs: options.inactivityTimeout ?? DEFAULT_INACTIVITY_MS,
    maxSessionMs: options.maxSessionLength ?? DEFAULT_MAX_SESSION_MS,
  });
  const userLimit = createRateLimiter(USER_RATE_LIMIT, now);
  const eventLimit = createRateLimiter(EVENT_RATE_LIMIT, now);
  const reportError = (error: unknown) => warn('internal', `internal error (capture continues where it can): ${String(error)}`);

  let consent = blocked ? null : cookies.read(CONSENT_COOKIE);
  // FullStory's `_fs_capture_on_startup = false`: nothing starts until FS('start') / restart().
  let shutDown = options.startCaptureManually === true;
  let pipeline: Pipeline | null = null;
  let ids: Ids | null = null;
  const pending: Array<() => void> = [];
  const observers = createObservers(warn);
  // This page's properties so far: a new page record (consent, a new session) carries them on.
  let pageVars: PageVarsFact | null = null;
  // Custom user var names this page has set for its user (MAX_USER_PROPERTIES); a new user starts empty.
  const userVarNames = new Set<string>();
  let pipelines = 0;
  let consoleOn = options.console !== false;
  // Sequence numbers per page, shared by the transports of one page record across shutdown/restart.
  const sequence = new Map<string, number>();

  // Without requireConsent, consent is FullStory's element-level consent: it never stops capture.
  const mayCapture = () => !blocked && !shutDown && (consent === '1' || !options.requireConsent);

  const emit = <T extends FactTag>(tag: T, payload: FactPayloads[T]) =>
    pipeline?.emit(fact(tag, payload, now()) as unknown as eventWithTime);

  /** `resume`: go on with the page record in force when the user and session are still the same. */
  function start(announce = false, resume = false) {
    if (pipeline || !mayCapture()) return;
    const user = store.user();
    const sessionId = store.session();
    const same = resume && ids?.userId === user.userId && ids.sessionId === sessionId;
    ids = { userId: user.userId, sessionId, pageId: same ? ids!.pageId : newId('p') };
    pipeline = startPipeline({
      parts,
      ids,
      host,
      orgId,
      win,
      privacy: {
        exclude: options.exclude,
        mask: options.mask,
        unmask: options.unmask,
        privateByDefault: options.privateByDefault,
        formPrivacy: options.formPrivacy,
        urlPrivacy: options.urlPrivacy,
        consent: consent === '1',
      },
      transport: { ...options.transport, sequence },
      sampling: options.sampling,
      recordCanvas: options.recordCanvas,
      console: options.console,
      consoleOn: () => consoleOn,
      network: options.network,
      // Only the first page record starts with the page load; later ones (restart, a new session) start now.
      startTime: pipelines++ ? now() : undefined,
      reportError,
      onActivity: (at) => {
        const sessionId = touch(at);
        // The recorder is inside its own emit here; replace it once that call has returned.
        if (sessionId) Promise.resolve().then(() => replace(sessionId));
      },
    });
    if (!pipeline) {
      warn('no-transport', 'capture cannot start: this build has no transport.');
      return;
    }
    if (announce || user.appKey !== null) emit(FACT.identity, { UserAppKey: user.appKey, UserId: user.userId });
    if (pageVars) emit(FACT.pageVars, pageVars);
    for (const later of pending.splice(0)) later();
    observers.started(core.session('url') as string);
  }

  function stop(discard: boolean) {
    const retiring = pipeline;
    pipeline = null;
    if (retiring) (discard ? retiring.discard() : retiring.stop()).catch(reportError);
  }

  /** The session id to move to when activity at `at` changed it, else null. */
  function touch(at: number): string | null {
    if (!pipeline || !ids) return null;
    const sessionId = store.touch(at);
    return sessionId === ids.sessionId ? null : sessionId;
  }

  /** Stops the pipeline and starts the next one at once; its last facts are read under the rules now in force. */
  function replacePipeline() {
    if (!pipeline) return;
    pipeline.setConsent(consent === '1');
    stop(false);
    start();
  }

  function replace(sessionId: string) {
    if (!pipeline || ids?.sessionId === sessionId) return;
    stop(false);
    start();
  }

  /** Runs a recording call now when capturing, once consent is given when awaiting it, else never. */
  function whenCapturing(call: () => void) {
    if (blocked || shutDown || (options.requireConsent && consent === '0')) return;
    if (pipeline) {
      const sessionId = touch(now());
      if (sessionId) replace(sessionId);
      if (pipeline) call();
      return;
    }
    if (pending.length < MAX_PENDING_CALLS) pending.push(call);
    else warn('pending-full', `more than ${MAX_PENDING_CALLS} calls while capture is paused; later ones are dropped.`);
  }

  const splitUser = (appKey: string | null) => {
    stop(false);
    userVarNames.clear();
    store.splitUser(appKey);
    start(true);
  };

  const emitUserVars = (payload: UserVarsFact | null, call: string) => {
    const kept = payload && withinUserCap(payload, userVarNames, { call, warn });
    if (kept) emit(FACT.userVars, kept);
  };

  const overLimit = (allow: () => boolean, call: string, limit: RateLimit) => {
    if (allow()) return false;
    warn(`${call}:rate`, `${call}: calls over the rate limit (${limit.perMinute} per minute, burst ${limit.burst}) are dropped.`);
    return true;
  };

  const core: Core = {
    identify(uid, vars) {
      const call = 'FS.identify';
      if (uid === false) return core.anonymize();
      if (typeof uid !== 'string' && typeof uid !== 'number') {
        warn(`${call}:uid`, `${call}: call dropped: uid must be a non-empty string; got ${typeof uid}.`);
        return;
      }
      const appKey = String(uid);
      if (!appKey) return warn(`${call}:uid`, `${call}: call dropped: uid must be a non-empty string.`);
      if (overLimit(userLimit, call, USER_RATE_LIMIT)) return;
      const payload = vars === undefined ? null : normalizeUserVars(vars, { call, warn });
      whenCapturing(() => {
        const user = store.user();
        if (user.appKey !== null && user.appKey !== appKey) splitUser(appKey);
        else if (user.appKey === null) {
          store.setAppKey(appKey);
          emit(FACT.identity, { UserAppKey: appKey, UserId: user.userId });
        }
        emitUserVars(payload, call);
      });
    },
    anonymize() {
      whenCapturing(() => {
        if (store.user().appKey !== null) splitUser(null);
      });
    },
    setUserVars(input, call = 'FS.setUserVars') {
      if (overLimit(userLimit, call, USER_RATE_LIMIT)) return;
      const payload = normalizeUserVars(input, { call, warn });
      if (payload) whenCapturing(() => emitUserVars(payload, call));
    },
    setPageVars(properties) {
      const payload = normalizePageVars(properties, { call: "FS('setProperties', { type: 'page' })", warn }, pageVars?.vars);
      if (!payload) return;
      pageVars = { ...pageVars, ...payload, vars: { ...pageVars?.vars, ...payload.vars } };
      whenCapturing(() => emit(FACT.pageVars, payload));
    },
    event(name, properties) {
      const call = `FS.event(${JSON.stringify(String(name)).slice(0, 60)})`;
      if (typeof name !== 'string' || name.length === 0 || name.length > MAX_EVENT_NAME_LENGTH) {
        warn(`event-name:${String(name).slice(0, 60)}`, `${call}: call dropped: event names are strings of 1 to ${MAX_EVENT_NAME_LENGTH} characters.`);
        return;
      }
      if (overLimit(eventLimit, 'FS.event', EVENT_RATE_LIMIT)) return;
      const context = { call, warn };
      const payload = { EventCustomName: name, properties: normalizeProperties(properties, context) };
      if (fitsPayload(payload, context)) whenCapturing(() => emit(FACT.custom, payload));
    },
    log(level, message) {
      const known = LOG_LEVELS.includes(level as LogLevel);
      if (!known && level !== undefined && message !== undefined) warn(`log-level:${String(level)}`, `FS.log: level "${String(level)}" is not one of ${LOG_LEVELS.join(', ')}; logged as "log".`);
      let text = String(message === undefined && !known ? level : message ?? '');
      if (text.length > MAX_LOG_MESSAGE_LENGTH) {
        warn('log-length', `FS.log: messages longer than ${MAX_LOG_MESSAGE_LENGTH} characters are cut.`);
        text = text.slice(0, MAX_LOG_MESSAGE_LENGTH);
      }
      const payload: LogFact = { level: known ? (level as LogLevel) : 'log', message: text };
      whenCapturing(() => emit(FACT.log, payload));
    },
    setConsole(on) {
      consoleOn = on;
    },
    consent(granted) {
      if (blocked) return;
      const changed = consent !== (granted ? '1' : '0');
      if (granted) {
        consent = '1';
        cookies.write(CONSENT_COOKIE, '1', USER_COOKIE_MAX_AGE_S);
        const announce = () => emit(FACT.consent, { granted: true });
        if (changed && pipeline) announce();
        else if (changed) pending.unshift(announce);
        // The consent classes change what is recorded: a new page record starts under the new rules.
        if (changed) replacePipeline();
        start();
        return;
      }
      if (!options.requireConsent) {
        // FullStory's meaning: the consent classes apply again from now on; capture goes on.
        if (changed && pipeline) emit(FACT.consent, { granted: false });
        consent = '0';
        cookies.write(CONSENT_COOKIE, '0', USER_COOKIE_MAX_AGE_S);
        if (changed) replacePipeline();
        return;
      }
      consent = '0';
      pending.length = 0;
      stop(true);
      ids = null;
      cookies.remove(USER_COOKIE);
      cookies.remove(SESSION_COOKIE);
      cookies.write(CONSENT_COOKIE, '0', USER_COOKIE_MAX_AGE_S);
    },
    shutdown() {
      shutDown = true;
      if (!pipeline) return;
      stop(false);
      observers.stopped();
    },
    restart() {
      shutDown = false;
      // FullStory's restart continues the session and the page view.
      start(false, true);
    },
    session(format) {
      if (!ids) return null;
      // FullStory's session id is "UserId:SessionId"; the collector's viewer keys sessions by org too.
      if (format === 'id') return `${ids.userId}:${ids.sessionId}`;
      if (format === 'all') return { orgId, ...ids };
      return `${host}/sessions/${orgId}.${ids.userId}.${ids.sessionId}${format === 'url.now' ? `?t=${now()}` : ''}`;
    },
    observe: observers.observe,
  };
  start();
  return core;
}
