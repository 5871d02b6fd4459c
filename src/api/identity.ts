import { ID_PATTERN } from '../protocol';
import type { CookieJar } from './cookies';

/** FullStory keeps its user cookie about a year; so do we. */
export const USER_COOKIE_MAX_AGE_S = 365 * 24 * 60 * 60;
/** A session ends after 30 minutes without activity (FullStory's and Google Analytics' default). */
export const DEFAULT_INACTIVITY_MS = 30 * 60 * 1000;
/** A session never outlives a day, so a tab left open overnight starts a new one. Our choice. */
export const DEFAULT_MAX_SESSION_MS = 24 * 60 * 60 * 1000;
/** Activity is written to the shared session cookie at most this often. */
export const ACTIVITY_WRITE_INTERVAL_MS = 1000;

export const USER_COOKIE = '_os_uid';
export const SESSION_COOKIE = '_os_ses';

export interface Ids {
  userId: string;
  sessionId: string;
  pageId: string;
}

export interface User {
  userId: string;
  /** What the site passed to identify; null for an anonymous user. */
  appKey: string | null;
}

interface SessionRecord {
  sessionId: string;
  start: number;
  last: number;
}

/** A random opaque id that matches the protocol's ID_PATTERN. */
export function newId(prefix: string, crypto: Crypto | undefined = globalThis.crypto): string {
  const bytes = new Uint8Array(16);
  if (crypto?.getRandomValues) crypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return `${prefix}-${hex}`;
}

export interface IdentityStoreOptions {
  cookies: CookieJar;
  now: () => number;
  inactivityMs: number;
  maxSessionMs: number;
}

export interface IdentityStore {
  /** The device's user, created (and its cookie written) when there is none. */
  user(): User;
  setAppKey(appKey: string | null): void;
  /** A new user (and with it a new session), e.g. when identify names someone else. */
  splitUser(appKey: string | null): User;
  /** The session shared by the user's tabs, renewed when expired. */
  session(): string;
  /** Starts a new session now. */
  renewSession(): string;
  /**
   * Records activity at `at`. Answers the session id in force afterwards: a new one when the
   * session had expired, or another tab's when that tab renewed it.
   */
  touch(at: number): string;
}

/**
 * UserId (with the identified UserAppKey) in a year-long first-party cookie; the session
 * (id, start, last activity) in a second cookie every tab of the user reads and writes, so
 * tabs share one session and a subdomain cookie domain shares it across subdomains.
 */
export function createIdentityStore({ cookies, now, inactivityMs, maxSessionMs }: IdentityStoreOptions): IdentityStore {
  let lastWrite = -Infinity;

  const readUser = (): User | null => {
    const raw = cookies.read(USER_COOKIE);
    if (!raw) return null;
    const separator = raw.indexOf(':');
    const userId = separator < 0 ? raw : raw.slice(0, separator);
    if (!ID_PATTERN.test(userId)) return null;
    return { userId, appKey: separator < 0 ? null : raw.slice(separator + 1) };
  };
  const writeUser = (user: User) =>
    cookies.write(USER_COOKIE, user.appKey === null ? user.userId : `${user.userId}:${user.appKey}`, USER_COOKIE_MAX_AGE_S);

  const readSession = (): SessionRecord | null => {
    const [sessionId, start, last] = (cookies.read(SESSION_COOKIE) ?? '').split('.');
    const record = { sessionId, start: Number(start), last: Number(last) };
    return ID_PATTERN.test(sessionId ?? '') && Number.isFinite(record.start) && Number.isFinite(record.last) ? record : null;
  };
  const writeSession = (record: SessionRecord) => {
    cookies.write(SESSION_COOKIE, `${record.sessionId}.${record.start}.${record.last}`, maxSessionMs / 1000);
    lastWrite = record.last;
  };
  const expired = (record: SessionRecord, at: number) => at - record.last > inactivityMs || at - record.start > maxSessionMs;

  const renewSession = () => {
    const at = now();
    const record = { sessionId: newId('s'), start: at, last: at };
    writeSession(record);
    return record.sessionId;
  };

  return {
    user() {
      const existing = readUser();
      if (existing) return existing;
      const created = { userId: newId('u'), appKey: null };
      writeUser(created);
      return created;
    },
    setAppKey(appKey) {
      writeUser({ userId: this.user().userId, appKey });
    },
    splitUser(appKey) {
      const user = { userId: newId('u'), appKey };
      writeUser(user);
      renewSession();
      return user;
    },
    session() {
      const record = readSession();
      if (record && !expired(record, now())) return record.sessionId;
      return renewSession();
    },
    renewSession,
    touch(at) {
      const record = readSession();
      if (!record || expired(record, at)) return renewSession();
      if (at - lastWrite >= ACTIVITY_WRITE_INTERVAL_MS && at > record.last) writeSession({ ...record, last: at });
      return record.sessionId;
    },
  };
}
