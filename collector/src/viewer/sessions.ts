import { randomBytes } from 'node:crypto';
import type { CollectorConfig } from '../config';
import type { SavedSegment, Storage } from '../storage/types';
import { canSee, scopedOrg, type ViewerScope } from './access';
import { escapeHtml, sessionsPage } from './html';
import { filtersFromParams, orderFromParams, paramsFromFilters, searchForm, type SearchParams } from './search-form';

/** Sessions per page of the list: a screenful to scan; `Next` pages through the rest. */
const SESSIONS_PER_PAGE = 100;
/** Longest segment name kept. */
const MAX_SEGMENT_NAME_CHARS = 200;
/** Random bytes of a segment id (the `segmentId` the Segment Export API takes). */
const SEGMENT_ID_BYTES = 9;

/**
 * The org a request's search is limited to: the viewer's own; for the admin the `org` asked for,
 * the only org when there is one (the demo), else all of them.
 */
export function searchOrg(config: CollectorConfig, scope: ViewerScope, params: SearchParams): string | undefined {
  const asked = typeof params.org === 'string' && config.orgs.some((org) => org.id === params.org) ? params.org : undefined;
  return scopedOrg(scope) ?? asked ?? (config.orgs.length === 1 ? config.orgs[0].id : undefined);
}

export const orgChoice = (config: CollectorConfig, scope: ViewerScope, orgId: string | undefined): string =>
  scope.admin
    ? `<label>Org<select name="org"><option value="">all orgs</option>${config.orgs
        .map((org) => `<option value="${escapeHtml(org.id)}"${org.id === orgId ? ' selected' : ''}>${escapeHtml(org.name)}</option>`)
        .join('')}</select></label>`
    : '';

function segmentsList(segments: SavedSegment[], orgId: string | undefined, search: URLSearchParams): string {
  const items = segments.map((segment) => {
    const query = paramsFromFilters(segment.filters);
    query.set('org', segment.orgId);
    return `<li><a href="/sessions?${escapeHtml(query.toString())}">${escapeHtml(segment.name)}</a> <code class="muted" title="segmentId for the Segment Export API">${escapeHtml(segment.segmentId)}</code></li>`;
  });
  const save = orgId === undefined
    ? '<p class="muted">Choose an org to save this search as a segment.</p>'
    : `<form class="save" method="post" action="/segments"><input type="hidden" name="org" value="${escapeHtml(orgId)}">
<input type="hidden" name="query" value="${escapeHtml(search.toString())}"><label>Save this search as <input name="name" required maxlength="${MAX_SEGMENT_NAME_CHARS}" placeholder="segment name"></label><button type="submit">Save segment</button></form>`;
  return `<section class="segments"><h2>Segments</h2>${items.length ? `<ul>${items.join('')}</ul>` : '<p class="muted">No saved segments.</p>'}${save}</section>`;
}

/** The session list page for a search: the form, the saved segments, a page of results and the link to the next. */
export async function sessionsResponse(storage: Storage, config: CollectorConfig, scope: ViewerScope, params: SearchParams): Promise<string> {
  const orgId = searchOrg(config, scope, params);
  const filters = filtersFromParams(params);
  const order = orderFromParams(params);
  const cursor = typeof params.cursor === 'string' ? params.cursor : undefined;
  const page = await storage.searchSessions({ ...filters, orgId, order, limit: SESSIONS_PER_PAGE, cursor });
  const segments = orgId ? await storage.listSegments(orgId) : [];
  const query = paramsFromFilters(filters);
  if (orgId && scope.admin) query.set('org', orgId);
  query.set('sort', order);
  const next = page.next === undefined ? undefined : `/sessions?${query.toString()}&cursor=${encodeURIComponent(page.next)}`;
  const search = searchForm(params, orgChoice(config, scope, orgId)) + segmentsList(segments, orgId, paramsFromFilters(filters));
  return sessionsPage(page.sessions, { search, next, filtered: Object.keys(filters).length > 0 });
}

/** URLSearchParams as Fastify parses a query: a repeated name becomes an array. */
export function searchParams(params: URLSearchParams): SearchParams {
  const result: SearchParams = {};
  for (const name of new Set(params.keys())) {
    const values = params.getAll(name);
    result[name] = values.length > 1 ? values : values[0];
  }
  return result;
}

/** Saves the search of a POST /segments form; answers where to go, or why not. */
export async function saveSegment(storage: Storage, scope: ViewerScope, body: SearchParams, now: number): Promise<{ location: string } | { refusal: string }> {
  const orgId = typeof body.org === 'string' ? body.org : '';
  const name = typeof body.name === 'string' ? body.name.trim().slice(0, MAX_SEGMENT_NAME_CHARS) : '';
  if (!orgId || !canSee(scope, orgId)) return { refusal: 'choose one of your orgs for the segment' };
  if (!name) return { refusal: 'give the segment a name' };
  const filters = filtersFromParams(searchParams(new URLSearchParams(typeof body.query === 'string' ? body.query : '')));
  const segmentId = `seg-${randomBytes(SEGMENT_ID_BYTES).toString('base64url')}`;
  await storage.saveSegment({ orgId, segmentId, name, filters, created: now });
  const query = paramsFromFilters(filters);
  if (scope.admin) query.set('org', orgId);
  return { location: `/sessions?${query.toString()}` };
}
