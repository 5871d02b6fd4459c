import type { SessionSummary } from './types';

/** HTTP statuses from here up are failed requests (RFC 9110: 4xx client errors, 5xx server errors). */
export const FAILED_STATUS = 400;

/** The frustration order's key: rage bursts, dead clicks and error clicks, each counted as the session list shows them. */
export const frustrationScore = (session: Pick<SessionSummary, 'rageClicks' | 'deadClicks' | 'errorClicks'>): number =>
  session.rageClicks + session.deadClicks + session.errorClicks;

/** A pattern with `*` wildcards as a LIKE pattern (escape `\`): `%` and `_` in the text match themselves. */
export const likePattern = (pattern: string): string =>
  pattern.replace(/[\\%_]/g, (char) => `\\${char}`).replace(/\*/g, '%');

/** Cursors are opaque to clients: the key of the last session shown, as base64url JSON. */
export const encodeCursor = (key: Array<string | number>): string => Buffer.from(JSON.stringify(key)).toString('base64url');

/** The key a cursor holds, undefined when it is not one of `length` strings and numbers (a forged or stale cursor starts over). */
export function decodeCursor(cursor: string, length: number): Array<string | number> | undefined {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    const valid = Array.isArray(key) && key.length === length && key.every((part) => typeof part === 'string' || typeof part === 'number');
    return valid ? key : undefined;
  } catch {
    return undefined;
  }
}
