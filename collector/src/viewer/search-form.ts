import { FRUSTRATIONS, SEARCH_ORDERS, type Frustration, type SearchOrder, type SessionFilters } from '../storage/types';
import { escapeHtml } from './html';

/** Longest text a filter takes: URLs and names past this are not what anyone types into a search. */
const MAX_FILTER_CHARS = 2048;
/** User and event property names as FS.setUserVars and FS.event send them (facts.ts VAR_NAME). */
const PROPERTY_NAME = /^[A-Za-z][A-Za-z0-9_]{0,127}$/;
const MS_PER_SECOND = 1000;
const MS_PER_DAY = 86_400_000;

export type SearchParams = Record<string, string | string[] | undefined>;

export const one = (value: string | string[] | undefined): string | undefined => {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  return text ? text.slice(0, MAX_FILTER_CHARS) : undefined;
};
const all = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const count = (value: string | string[] | undefined, scale = 1): number | undefined => {
  const number = Number(one(value));
  return one(value) !== undefined && Number.isFinite(number) && number >= 0 ? Math.round(number * scale) : undefined;
};
export const day = (value: string | string[] | undefined, endOfDay: boolean): number | undefined => {
  const text = one(value);
  const ms = text && /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : NaN;
  return Number.isNaN(ms) ? undefined : ms + (endOfDay ? MS_PER_DAY : 0);
};
/** `name=value`, the name a property name. */
const property = (value: string | string[] | undefined): { name: string; value: string } | undefined => {
  const text = one(value);
  const equals = text?.indexOf('=') ?? -1;
  if (!text || equals < 1 || !PROPERTY_NAME.test(text.slice(0, equals))) return undefined;
  return { name: text.slice(0, equals), value: text.slice(equals + 1) };
};

/** The viewer's search from /sessions query parameters; what is malformed is left out (as if not given). */
export function filtersFromParams(params: SearchParams): SessionFilters {
  const filters: SessionFilters = {
    user: one(params.user), userVar: property(params.userVar), url: one(params.url), pageName: one(params.pageName),
    eventName: one(params.eventName), eventProperty: property(params.eventProperty),
    frustrations: all(params.frustration).filter((name): name is Frustration => (FRUSTRATIONS as readonly string[]).includes(name)),
    consoleErrors: one(params.consoleErrors) === '1' || undefined, failedRequests: one(params.failedRequests) === '1' || undefined,
    browser: one(params.browser), device: one(params.device), os: one(params.os),
    startFrom: day(params.from, false), startUntil: day(params.until, true),
    minDuration: count(params.minDuration, MS_PER_SECOND), maxDuration: count(params.maxDuration, MS_PER_SECOND),
    minPages: count(params.minPages), maxPages: count(params.maxPages),
  };
  if (filters.frustrations?.length === 0) delete filters.frustrations;
  return Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined)) as SessionFilters;
}

export const orderFromParams = (params: SearchParams): SearchOrder =>
  (SEARCH_ORDERS as readonly string[]).includes(one(params.sort) ?? '') ? (one(params.sort) as SearchOrder) : 'time';

/** The query parameters of a search, the inverse of filtersFromParams (links to pages and segments). */
export function paramsFromFilters(filters: SessionFilters): URLSearchParams {
  const params = new URLSearchParams();
  const set = (name: string, value: string | number | undefined) => value !== undefined && params.set(name, String(value));
  const date = (ms: number | undefined, endOfDay: boolean) => ms === undefined ? undefined : new Date(ms - (endOfDay ? MS_PER_DAY : 0)).toISOString().slice(0, 10);
  set('user', filters.user);
  set('userVar', filters.userVar && `${filters.userVar.name}=${filters.userVar.value}`);
  set('url', filters.url);
  set('pageName', filters.pageName);
  set('eventName', filters.eventName);
  set('eventProperty', filters.eventProperty && `${filters.eventProperty.name}=${filters.eventProperty.value}`);
  for (const frustration of filters.frustrations ?? []) params.append('frustration', frustration);
  set('consoleErrors', filters.consoleErrors ? 1 : undefined);
  set('failedRequests', filters.failedRequests ? 1 : undefined);
  set('browser', filters.browser);
  set('device', filters.device);
  set('os', filters.os);
  set('from', date(filters.startFrom, false));
  set('until', date(filters.startUntil, true));
  set('minDuration', filters.minDuration === undefined ? undefined : filters.minDuration / MS_PER_SECOND);
  set('maxDuration', filters.maxDuration === undefined ? undefined : filters.maxDuration / MS_PER_SECOND);
  set('minPages', filters.minPages);
  set('maxPages', filters.maxPages);
  return params;
}

const FRUSTRATION_LABELS: Record<Frustration, string> = {
  rage: 'rage clicks', dead: 'dead clicks', error: 'error clicks', thrash: 'thrashed cursor', abandon: 'abandoned form',
};

/** The search form of /sessions, filled with the current search (every value escaped: it may come from a shared link). */
export function searchForm(params: SearchParams, orgChoice: string): string {
  const value = (name: string) => escapeHtml(one(params[name]) ?? '');
  const text = (name: string, label: string, placeholder = '') =>
    `<label>${label}<input name="${name}" value="${value(name)}" placeholder="${escapeHtml(placeholder)}"></label>`;
  const number = (name: string, label: string) => `<label>${label}<input name="${name}" type="number" min="0" value="${value(name)}"></label>`;
  const checked = (name: string, option: string) => (all(params[name]).includes(option) ? ' checked' : '');
  const order = orderFromParams(params);
  return `<form class="search" method="get" action="/sessions" id="search">
${orgChoice}${text('user', 'User', 'id, app key, email or name')}${text('userVar', 'User property', 'plan_str=pro')}
${text('url', 'URL visited', '/checkout or https://shop.example/*')}${text('pageName', 'Page name')}
${text('eventName', 'Custom event')}${text('eventProperty', 'Event property', 'total_real=9.5')}
${text('browser', 'Browser', 'Chrome')}${text('device', 'Device', 'Desktop')}${text('os', 'OS', 'Windows')}
<label>From<input name="from" type="date" value="${value('from')}"></label><label>Until<input name="until" type="date" value="${value('until')}"></label>
${number('minDuration', 'Min duration (s)')}${number('maxDuration', 'Max duration (s)')}${number('minPages', 'Min pages')}${number('maxPages', 'Max pages')}
<fieldset><legend>Frustration</legend>${FRUSTRATIONS.map((name) => `<label><input type="checkbox" name="frustration" value="${name}"${checked('frustration', name)}> ${FRUSTRATION_LABELS[name]}</label>`).join('')}
<label><input type="checkbox" name="consoleErrors" value="1"${checked('consoleErrors', '1')}> console errors</label>
<label><input type="checkbox" name="failedRequests" value="1"${checked('failedRequests', '1')}> failed requests</label></fieldset>
<label>Sort<select name="sort">${SEARCH_ORDERS.map((name) => `<option value="${name}"${name === order ? ' selected' : ''}>${name === 'time' ? 'latest first' : 'most frustrated first'}</option>`).join('')}</select></label>
<button type="submit">Search</button> <a href="/sessions">Clear</a>
</form>`;
}
