import { like } from '../storage/search-match';
import type { ClickRecord, PageView } from '../storage/types';
import { sessionKey } from './html';

export const DAY_MS = 86_400_000;
/** Rows of each "most clicked" table, and the sessions linked per row: a screenful, a few to replay. */
const TOP_ELEMENTS = 10;
const TOP_PAGES = 20;
const EXAMPLE_SESSIONS = 3;
/**
 * Clicks drawn on a click map at most (the heaviest page views of a range have more): the counts
 * per element still count every click. Our choice: beyond a few thousand the density no longer changes.
 */
export const MAX_MAP_POINTS = 5_000;
/** Scroll depth is shown in steps of this many percent of the page's height: eleven rows, 0 to 100 %. Our choice. */
const SCROLL_STEP_PERCENT = 10;

const parseUrl = (url: string): URL | undefined => {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
};

/** A page as insights group it: its URL without query and fragment (`/product?id=1` and `?id=2` are one page). */
export function pageOf(url: string): string {
  const parsed = parseUrl(url);
  return parsed ? `${parsed.origin}${parsed.pathname}` : url;
}

/**
 * Whether a URL is the click map's page: with `*`, a pattern over the whole URL (as the session
 * search's URL filter); without, the page (pageOf) or its path, exactly.
 */
export function pageMatcher(pattern: string): (url: string) => boolean {
  if (pattern.includes('*')) return like(pattern);
  return (url) => pageOf(url) === pattern || parseUrl(url)?.pathname === pattern;
}

/** A rage burst counts once: the click that opened it (heuristics.md). */
const isRageBurst = (click: ClickRecord) => click.frustrated === 1;

export interface ElementStats {
  page: string;
  selector: string;
  text: string;
  clicks: number;
  rageBursts: number;
  deadClicks: number;
  errorClicks: number;
  /** Session keys (html.sessionKey) of a few sessions with a rage or dead click on it. */
  examples: string[];
}

export interface Insights {
  /** UTC day starts of the range and the frustration counted on each: one entry per day, zeros included. */
  days: number[];
  rage: number[];
  dead: number[];
  error: number[];
  mostRageClicked: ElementStats[];
  mostDeadClicked: ElementStats[];
  pages: Array<{ page: string; visits: number; errors: number; averageDuration: number | null }>;
}

function countElement(elements: Map<string, ElementStats>, orgId: string, page: string, click: ClickRecord): ElementStats {
  const key = `${page}\n${click.selector}`;
  const stats = elements.get(key) ?? { page, selector: click.selector, text: '', clicks: 0, rageBursts: 0, deadClicks: 0, errorClicks: 0, examples: [] };
  elements.set(key, stats);
  stats.text = click.text || stats.text;
  stats.clicks += 1;
  if (isRageBurst(click)) stats.rageBursts += 1;
  if (click.dead) stats.deadClicks += 1;
  if (click.error) stats.errorClicks += 1;
  const session = sessionKey({ orgId, ...click });
  if ((isRageBurst(click) || click.dead) && stats.examples.length < EXAMPLE_SESSIONS && !stats.examples.includes(session)) stats.examples.push(session);
  return stats;
}

const top = (elements: Iterable<ElementStats>, count: (stats: ElementStats) => number) =>
  [...elements].filter((stats) => count(stats) > 0).sort((a, b) => count(b) - count(a) || a.selector.localeCompare(b.selector)).slice(0, TOP_ELEMENTS);

/** The insights of a date range [from, until) (UTC day bounds), from its clicks and page views as storage streams them. */
export async function insightsOf(orgId: string, clicks: AsyncIterable<ClickRecord>, views: AsyncIterable<PageView>, from: number, until: number): Promise<Insights> {
  const days = Array.from({ length: Math.max(0, Math.ceil((until - from) / DAY_MS)) }, (_, index) => from + index * DAY_MS);
  const [rage, dead, error] = [0, 1, 2].map(() => days.map(() => 0));
  const elements = new Map<string, ElementStats>();
  for await (const click of clicks) {
    const day = Math.floor((click.timestamp - from) / DAY_MS);
    if (isRageBurst(click)) rage[day] += 1;
    if (click.dead) dead[day] += 1;
    if (click.error) error[day] += 1;
    if (isRageBurst(click) || click.dead) countElement(elements, orgId, pageOf(click.pageUrl), click);
  }
  const pages = new Map<string, { page: string; visits: number; errors: number; durationTotal: number; durations: number }>();
  for await (const view of views) {
    const page = pageOf(view.url);
    const stats = pages.get(page) ?? { page, visits: 0, errors: 0, durationTotal: 0, durations: 0 };
    pages.set(page, stats);
    stats.visits += 1;
    stats.errors += view.numErrors;
    if (view.duration !== null) {
      stats.durationTotal += view.duration;
      stats.durations += 1;
    }
  }
  return {
    days, rage, dead, error,
    mostRageClicked: top(elements.values(), (stats) => stats.rageBursts),
    mostDeadClicked: top(elements.values(), (stats) => stats.deadClicks),
    pages: [...pages.values()]
      .sort((a, b) => b.visits - a.visits || a.page.localeCompare(b.page))
      .slice(0, TOP_PAGES)
      .map(({ page, visits, errors, durationTotal, durations }) => ({ page, visits, errors, averageDuration: durations ? durationTotal / durations : null })),
  };
}

export interface ClickMap {
  /** Every element clicked on the page, most clicked first (selector, text, counts). */
  elements: ElementStats[];
  /** Recorded clicks to draw: the element's selector, the click's page coordinates, whether rage or dead. */
  points: Array<{ selector: string; x: number | null; y: number | null; rage: boolean; dead: boolean }>;
  clicks: number;
  /** Page views of the page, and the share (0..1) of those with a known scroll depth that reached each depth. */
  views: number;
  scroll: Array<{ depth: number; share: number }>;
  /** The page view whose recording the map is drawn over: the latest one. */
  snapshot: { session: string; url: string } | undefined;
}

/** The click map of the pages `matches` accepts, from a range's clicks and page views. */
export async function clickMapOf(orgId: string, clicks: AsyncIterable<ClickRecord>, views: AsyncIterable<PageView>, matches: (url: string) => boolean): Promise<ClickMap> {
  const elements = new Map<string, ElementStats>();
  const points: ClickMap['points'] = [];
  let total = 0;
  for await (const click of clicks) {
    if (!matches(click.pageUrl)) continue;
    total += 1;
    countElement(elements, orgId, '', click);
    if (points.length < MAX_MAP_POINTS) points.push({ selector: click.selector, x: click.x, y: click.y, rage: click.frustrated > 0, dead: click.dead });
  }
  const depths: number[] = [];
  let count = 0;
  let snapshot: ClickMap['snapshot'];
  for await (const view of views) {
    if (!matches(view.url)) continue;
    count += 1;
    if (view.maxScrollDepthPercent !== null) depths.push(view.maxScrollDepthPercent);
    snapshot = { session: sessionKey({ orgId, ...view }), url: view.url };
  }
  const scroll = Array.from({ length: 100 / SCROLL_STEP_PERCENT + 1 }, (_, index) => index * SCROLL_STEP_PERCENT)
    .map((depth) => ({ depth, share: depths.length ? depths.filter((reached) => reached >= depth).length / depths.length : 0 }));
  return { elements: [...elements.values()].sort((a, b) => b.clicks - a.clicks || a.selector.localeCompare(b.selector)), points, clicks: total, views: count, scroll, snapshot };
}
