import { FACT } from 'openstory/vocabulary';
import { FAILED_STATUS, frustrationScore } from './search';
import type { Row } from './sqlite-rows';
import type { SessionFilters, SessionSearch, SessionSummary, StoredFact } from './types';

/**
 * Session search as plain code over one session's records, for a backend that reads sessions
 * whole (ClickHouse, storage/clickhouse.ts). It answers as sqlite-search.ts's SQL does; the
 * conformance suite holds them to it.
 */
export interface SessionRecords {
  session: SessionSummary;
  /** Pages rows with SQLite's column names (clickhouse-fold.ts). */
  pages: Row[];
  facts: StoredFact[];
}

/** SQLite's LIKE: `*` any run, the rest literal, ASCII case-insensitive. */
export function like(pattern: string): (value: unknown) => boolean {
  const source = pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*');
  const regex = new RegExp(`^${source}$`, 'i');
  return (value) => typeof value === 'string' && regex.test(value);
}

/** SQLite's CAST(json_extract(…) AS TEXT) of a scalar: JSON true and false are 1 and 0. */
const asText = (value: unknown): string | undefined =>
  value === undefined || value === null ? undefined : typeof value === 'boolean' ? (value ? '1' : '0') : typeof value === 'object' ? JSON.stringify(value) : String(value);

export function matchesSearch(filters: SessionFilters, { session, pages, facts }: SessionRecords): boolean {
  const { user } = session;
  const factsOf = (tag: string) => facts.filter((fact) => fact.tag === tag);
  const checks: Array<() => boolean> = [];
  if (filters.user !== undefined) {
    const contains = like(`*${filters.user}*`);
    checks.push(() => [session.userId, user.userAppKey, user.email, user.displayName].some(contains));
  }
  if (filters.userVar) {
    const { name, value } = filters.userVar;
    checks.push(() => asText(user.vars[name]) === value);
  }
  if (filters.url !== undefined) {
    const visited = like(filters.url.includes('*') ? filters.url : `*${filters.url}*`);
    checks.push(() => pages.some((page) => visited(page.url)) || factsOf(FACT.navigate).some((fact) => visited(fact.pageUrl)));
  }
  if (filters.pageName !== undefined) checks.push(() => pages.some((page) => page.page_name === filters.pageName));
  if (filters.eventName !== undefined || filters.eventProperty) {
    const { eventName, eventProperty } = filters;
    checks.push(() => factsOf(FACT.custom).some(({ payload }) =>
      (eventName === undefined || payload.EventCustomName === eventName) &&
      (!eventProperty || asText((payload.properties as Record<string, unknown> | undefined)?.[eventProperty.name]) === eventProperty.value)));
  }
  const counted = { rage: session.rageClicks, dead: session.deadClicks, error: session.errorClicks };
  for (const frustration of filters.frustrations ?? []) {
    checks.push(() => (frustration in counted ? counted[frustration as keyof typeof counted] > 0 : factsOf(frustration === 'thrash' ? FACT.thrash : FACT.abandon).length > 0));
  }
  if (filters.consoleErrors) checks.push(() => pages.some((page) => (page.num_errors as number) > 0));
  if (filters.failedRequests) {
    checks.push(() => factsOf(FACT.request).some(({ payload }) => (payload.ReqStatus as number) >= FAILED_STATUS || payload.failed === 'error'));
  }
  for (const [field, column] of [['browser', 'browser'], ['device', 'device'], ['os', 'os']] as const) {
    if (filters[field] !== undefined) checks.push(() => pages.some((page) => page[column] === filters[field]));
  }
  const length = session.last - session.start;
  const bounds: Array<[number | undefined, () => boolean]> = [
    [filters.startFrom, () => session.start >= filters.startFrom!], [filters.startUntil, () => session.start < filters.startUntil!],
    [filters.minDuration, () => length >= filters.minDuration!], [filters.maxDuration, () => length <= filters.maxDuration!],
    [filters.minPages, () => session.pages >= filters.minPages!], [filters.maxPages, () => session.pages <= filters.maxPages!],
  ];
  for (const [bound, check] of bounds) if (bound !== undefined) checks.push(check);
  return checks.every((check) => check());
}

/** The order's key of a session, as sqlite-search.ts orders (descending, compared left to right). */
export const orderKey = (session: SessionSummary, order: SessionSearch['order']): Array<string | number> => {
  const tail = [session.last, session.orgId, session.userId, session.sessionId];
  return order === 'frustration' ? [frustrationScore(session), ...tail] : tail;
};

export function compareKeys(a: Array<string | number>, b: Array<string | number>): number {
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return a[index] < b[index] ? -1 : 1;
  return 0;
}
