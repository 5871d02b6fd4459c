import type { CollectorConfig } from '../config';
import type { ViewerScope } from './access';
import { escapeHtml, formatDuration, layout } from './html';
import { DAY_MS, type ClickMap, type ElementStats, type Insights } from './insights-data';
import { day, one, type SearchParams } from './search-form';
import { orgChoice } from './sessions';

/** The range shown when none is asked: the last 7 days, PostHog's default for its insights. */
const DEFAULT_RANGE_DAYS = 7;
/**
 * The longest range one request reads (a quarter): every click of the range streams through the
 * page's request, and 200,000 clicks took 3–6 s here under load (measured here, BENCHMARKS.md).
 */
export const MAX_RANGE_DAYS = 92;

export interface DateRange {
  /** UTC day bounds, [from, until). */
  from: number;
  until: number;
}

/** The `from` and `until` days asked (inclusive, UTC), else the last DEFAULT_RANGE_DAYS; never longer than MAX_RANGE_DAYS. */
export function dateRange(params: SearchParams, now: number): DateRange {
  const until = day(params.until, true) ?? Math.floor(now / DAY_MS) * DAY_MS + DAY_MS;
  const from = Math.min(day(params.from, false) ?? until - DEFAULT_RANGE_DAYS * DAY_MS, until - DAY_MS);
  return { from: Math.max(from, until - MAX_RANGE_DAYS * DAY_MS), until };
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Chart and map data for the client script, as JSON a `<script type="application/json">` holds: `<` escaped so no tag can close it. */
const jsonBlock = (id: string, value: unknown) =>
  `<script type="application/json" id="${id}">${JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')}</script>`;

const HEAD = '<link rel="stylesheet" href="/viewer/uplot.css"><link rel="stylesheet" href="/viewer/insights.css"><script src="/viewer/insights.js" defer></script>';

/** The form choosing the org (the admin's only) and the date range. */
function rangeForm(config: CollectorConfig, scope: ViewerScope, orgId: string | undefined, range: DateRange, action: string, extra = ''): string {
  return `<form class="search" method="get" action="${action}">${orgChoice(config, scope, orgId)}${extra}
<label>From<input type="date" name="from" value="${isoDay(range.from)}"></label>
<label>Until<input type="date" name="until" value="${isoDay(range.until - DAY_MS)}"></label><button type="submit">Show</button></form>`;
}

const chooseOrg = '<p class="empty">Choose an org to see its insights.</p>';

const sessionLinks = (stats: ElementStats) =>
  stats.examples.map((key, index) => `<a href="/sessions/${encodeURIComponent(key)}">session ${index + 1}</a>`).join(' ');

const clickMapLink = (orgId: string, scope: ViewerScope, page: string, range: DateRange, label: string) => {
  const query = new URLSearchParams({ page, from: isoDay(range.from), until: isoDay(range.until - DAY_MS) });
  if (scope.admin) query.set('org', orgId);
  return `<a href="/insights/clickmap?${escapeHtml(query.toString())}">${label}</a>`;
};

function elementsTable(kind: 'rage' | 'dead', rows: ElementStats[], link: (page: string) => string): string {
  if (rows.length === 0) return `<p class="muted">No ${kind} clicks in this range.</p>`;
  const counted = kind === 'rage' ? 'Rage bursts' : 'Dead clicks';
  const body = rows.map((stats) => `<tr data-selector="${escapeHtml(stats.selector)}">
  <td><code>${escapeHtml(stats.selector)}</code><br>${escapeHtml(stats.text)}</td><td>${link(stats.page)}</td>
  <td class="count ${kind}">${kind === 'rage' ? stats.rageBursts : stats.deadClicks}</td><td>${sessionLinks(stats)}</td></tr>`).join('');
  return `<table class="sessions insights ${kind}"><thead><tr><th>Element (selector, text)</th><th>Page</th><th>${counted}</th><th>Examples</th></tr></thead><tbody>${body}</tbody></table>`;
}

export function insightsPage(config: CollectorConfig, scope: ViewerScope, orgId: string | undefined, range: DateRange, data: Insights | undefined): string {
  const form = rangeForm(config, scope, orgId, range, '/insights');
  if (!orgId || !data) return layout('Insights', `<h1>Insights</h1>${form}${chooseOrg}`);
  const link = (page: string) => clickMapLink(orgId, scope, page, range, escapeHtml(page));
  const pages = data.pages.map((page) => `<tr data-page="${escapeHtml(page.page)}"><td>${link(page.page)}</td><td class="count">${page.visits}</td>
  <td class="count">${page.errors}</td><td class="count">${page.averageDuration === null ? '–' : formatDuration(page.averageDuration)}</td></tr>`).join('');
  const body = `<h1>Insights</h1>${form}
<section class="panel"><h2>Frustration per day</h2><div id="frustration-chart" class="chart" aria-label="rage bursts, dead clicks and error clicks per day"></div>
<p class="muted">Rage bursts count once per burst however many clicks it has; dead and error clicks count each click (UTC days).</p>
${jsonBlock('insights-data', { days: data.days.map((start) => start / 1000), series: [['Rage bursts', data.rage], ['Dead clicks', data.dead], ['Error clicks', data.error]] })}</section>
<section class="columns"><div><h2>Most rage-clicked</h2>${elementsTable('rage', data.mostRageClicked, link)}</div>
<div><h2>Most dead-clicked</h2>${elementsTable('dead', data.mostDeadClicked, link)}</div></section>
<section><h2>Pages</h2>${pages ? `<table class="sessions insights pages"><thead><tr><th>Page (click map)</th><th>Visits</th><th>Console errors</th><th>Average time on page</th></tr></thead><tbody>${pages}</tbody></table>` : '<p class="muted">No page views in this range.</p>'}
<p class="muted">A visit is a page load that started in the range; a page is its URL without query and fragment.</p></section>`;
  return layout('Insights', body, HEAD);
}

const ELEMENT_LEGEND = '<p class="muted">The Clicks column counts every click; Rage bursts count once per burst (its clicks are drawn as red rings); dead clicks are drawn as dark crosses.</p>';

export function clickMapPage(config: CollectorConfig, scope: ViewerScope, params: SearchParams, orgId: string | undefined, range: DateRange, data: ClickMap | undefined): string {
  const page = one(params.page) ?? '';
  const pageField = `<label>Page (URL, path or pattern with *)<input name="page" value="${escapeHtml(page)}" required size="40" placeholder="https://shop.example/product"></label>`;
  const form = rangeForm(config, scope, orgId, range, '/insights/clickmap', pageField);
  if (!orgId || !data || !page) return layout('Click map', `<h1>Click map</h1>${form}${orgId ? '<p class="empty">Name a page to map its clicks.</p>' : chooseOrg}`);
  const elements = data.elements.map((stats) => `<tr data-selector="${escapeHtml(stats.selector)}"><td><code>${escapeHtml(stats.selector)}</code><br>${escapeHtml(stats.text)}</td>
  <td class="count">${stats.clicks}</td><td class="count rage">${stats.rageBursts}</td><td class="count dead">${stats.deadClicks}</td><td class="count error">${stats.errorClicks}</td></tr>`).join('');
  const scroll = data.scroll.map(({ depth, share }) => `<tr data-depth="${depth}"><td>${depth} %</td><td class="count">${Math.round(share * 100)} %</td></tr>`).join('');
  const stage = data.snapshot
    ? `<div id="clickmap" data-session="${escapeHtml(encodeURIComponent(data.snapshot.session))}"><div id="replay"></div><canvas id="heat"></canvas></div>`
    : '<p class="empty">No recording of this page in the range to draw the clicks over.</p>';
  const body = `<h1>Click map</h1>${form}
<p class="muted">${data.clicks} clicks on ${data.views} page views${data.points.length < data.clicks ? ` (the first ${data.points.length} drawn)` : ''}.</p>
<section class="clickmap-layout"><div class="stage">${stage}</div>
<div><h2>Clicks per element</h2><table class="sessions insights elements"><thead><tr><th>Element</th><th>Clicks</th><th>Rage bursts</th><th>Dead</th><th>Error</th></tr></thead><tbody>${elements}</tbody></table>${ELEMENT_LEGEND}
<h2>Scroll depth</h2><div id="scroll-chart" class="chart"></div>
<table class="sessions insights scroll"><thead><tr><th>Depth reached</th><th>Share of page views</th></tr></thead><tbody>${scroll}</tbody></table>
<p class="muted">Depth is how far down the page the bottom of the window got, in percent of the page's height (PageMaxScrollDepthPercent); shares are of the page views that reported a depth.</p></div></section>
${jsonBlock('clickmap-data', { url: data.snapshot?.url, points: data.points, scroll: data.scroll })}`;
  return layout('Click map', body, `<link rel="stylesheet" href="/viewer/rrweb.css"><script src="/viewer/rrweb.js" defer></script>${HEAD}`);
}

export const INSIGHTS_CSS = `
.chart { background: #fff; min-height: 240px; } .columns { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.insights td code { word-break: break-all; } .panel h2, .columns h2 { font-size: 16px; }
.clickmap-layout { display: grid; grid-template-columns: minmax(0, 1fr) 420px; gap: 16px; align-items: start; }
.stage { overflow: auto; max-height: 80vh; background: #eef0f3; border: 1px solid #e3e6ea; }
#clickmap { position: relative; } #clickmap iframe { border: 0; background: #fff; } #clickmap .replayer-mouse { display: none; }
#heat { position: absolute; left: 0; top: 0; pointer-events: none; }
`;
