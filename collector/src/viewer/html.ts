import { ID_PATTERN } from 'openstory/vocabulary';
import type { SessionSummary } from '../storage/types';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Everything recorded came from a browser we do not trust: it is escaped before it becomes HTML. */
export const escapeHtml = (value: unknown): string => String(value ?? '').replace(/[&<>"']/g, (char) => ESCAPES[char]);

export const sessionKey = (session: Pick<SessionSummary, 'orgId' | 'userId' | 'sessionId'>): string =>
  `${session.orgId}.${session.userId}.${session.sessionId}`;

/** orgId.userId.sessionId, each part an id of the wire protocol. */
const ID = ID_PATTERN.source.slice(1, -1);
const SESSION_KEY = new RegExp(`^(${ID})\\.(${ID})\\.(${ID})$`);

export function parseSessionKey(key: string): { orgId: string; userId: string; sessionId: string } | undefined {
  const match = SESSION_KEY.exec(key);
  return match ? { orgId: match[1], userId: match[2], sessionId: match[3] } : undefined;
}

export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes} min ${seconds % 60} s` : `${seconds} s`;
}

export const layout = (title: string, body: string, head = ''): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · openstory</title><link rel="stylesheet" href="/viewer/viewer.css">${head}</head>
<body><header><a href="/sessions" class="brand">openstory</a><nav><a href="/sessions">Sessions</a><a href="/insights">Insights</a></nav></header><main>${body}</main></body></html>`;

const userCell = (session: SessionSummary): string => {
  const { user } = session;
  const name = user.displayName ?? user.userAppKey;
  const lines = [
    name ? `<strong>${escapeHtml(name)}</strong>` : '<span class="muted">anonymous</span>',
    user.email ? `<span>${escapeHtml(user.email)}</span>` : '',
    `<code class="muted">${escapeHtml(session.userId)}</code>`,
  ];
  return lines.filter(Boolean).join('<br>');
};

const count = (value: number, kind: string): string =>
  `<td class="count${value > 0 ? ` ${kind}` : ''}">${value}</td>`;

/** What each count of the session list counts, said in the page (a rage burst is one rage click, so the numbers match what a person saw). */
const COUNTS = [
  ['Rage bursts', 'bursts of rapid clicks on one spot: a burst of any length counts once'],
  ['Dead clicks', 'clicks the page did not answer (no change, navigation or request), each click counted'],
  ['Error clicks', 'clicks followed by a JavaScript error, each click counted'],
] as const;
const COUNT_HEADERS = COUNTS.map(([name, meaning]) => `<th title="${escapeHtml(meaning)}">${name}</th>`).join('');
const COUNT_LEGEND = `<dl class="legend">${COUNTS.map(([name, meaning]) => `<dt>${name}</dt><dd>${escapeHtml(meaning)}</dd>`).join('')}</dl>`;

/** The session list: the search (form and segments, already HTML), one page of sessions, the link to the next page. */
export function sessionsPage(sessions: SessionSummary[], parts: { search: string; next?: string; filtered: boolean }): string {
  const rows = sessions
    .map(
      (session) => `<tr data-session="${escapeHtml(sessionKey(session))}">
  <td>${userCell(session)}</td>
  <td><a href="/sessions/${encodeURIComponent(sessionKey(session))}"><time datetime="${new Date(session.start).toISOString()}">${escapeHtml(new Date(session.start).toISOString().replace('T', ' ').slice(0, 19))}</time></a></td>
  <td>${formatDuration(session.last - session.start)}</td>
  <td class="count">${session.pages}</td>
  ${count(session.rageClicks, 'rage')}${count(session.deadClicks, 'dead')}${count(session.errorClicks, 'error')}
  <td>${escapeHtml(session.browser)} · ${escapeHtml(session.device)} · ${escapeHtml(session.operatingSystem)}</td>
  <td class="location">${escapeHtml([session.city, session.country].filter(Boolean).join(', '))}</td>
  <td class="muted">${escapeHtml(session.orgId)}</td>
</tr>`,
    )
    .join('\n');
  const empty = parts.filtered
    ? '<p class="empty">No session matches this search.</p>'
    : '<p class="empty">No sessions yet. Open a page that loads fs.js, interact with it, and reload this page.</p>';
  const table = sessions.length
    ? `<table class="sessions"><thead><tr><th>User</th><th>Start (UTC)</th><th>Duration</th><th>Pages</th>
${COUNT_HEADERS}<th>Browser · device · OS</th><th>Location</th><th>Org</th></tr></thead><tbody>${rows}</tbody></table>${COUNT_LEGEND}`
    : empty;
  const next = parts.next ? `<p><a id="next-page" href="${escapeHtml(parts.next)}">Next page →</a></p>` : '';
  return layout('Sessions', `<h1>Sessions</h1>${parts.search}${table}${next}`);
}

/** The player's keyboard shortcuts as the page lists them (client/controls.ts handles them). */
const SHORTCUTS = [
  ['Space', 'play/pause'],
  ['← →', '5 s back/ahead'],
  ['Shift+← →', 'previous/next event'],
  ['1–4', 'speed 1x/2x/4x/8x'],
] as const;

const PLAYER_CONTROLS = `<button id="play" type="button">Pause</button>
<span class="speeds" role="group" aria-label="speed">${[1, 2, 4, 8].map((speed) => `<button id="speed-${speed}" type="button">${speed}x</button>`).join('')}</span>
<label><input id="skip-inactive" type="checkbox" checked> Skip inactivity</label>
<span id="clock" class="clock">0:00.0</span>
<a id="moment-link" href="#t=0">Link to 0:00.0</a>`;

export function replayPage(session: SessionSummary): string {
  const key = sessionKey(session);
  const title = session.user.displayName ?? session.user.email ?? session.user.userAppKey ?? session.userId;
  const body = `<h1>Session of ${escapeHtml(title)}</h1>
<p class="muted">${escapeHtml(new Date(session.start).toISOString())} · ${formatDuration(session.last - session.start)} · ${session.pages} page(s) ·
${escapeHtml(session.browser)} · ${escapeHtml(session.device)} · ${escapeHtml(session.operatingSystem)}</p>
<section class="stage">
<div class="player">
  <div id="replay" data-session="${escapeHtml(encodeURIComponent(key))}" data-last="${session.last}"></div>
  <div id="timeline" class="timeline" aria-label="timeline"><div id="playhead" class="playhead"></div></div>
  <div class="controls">${PLAYER_CONTROLS}</div>
  <p class="muted shortcuts">${SHORTCUTS.map(([keys, action]) => `<kbd>${keys}</kbd> ${action}`).join(' · ')}</p>
</div>
<aside class="events"><h2>Events</h2><ol id="facts" class="facts"></ol></aside>
</section>
<section class="devtools">
  <div class="panel"><h2>Console</h2><ol id="console" class="entries"></ol></div>
  <div class="panel"><h2>Network <label class="muted"><input id="failed-only" type="checkbox"> failed only</label></h2><ol id="network" class="entries"></ol></div>
</section>`;
  return layout(`Session ${title}`, body, '<link rel="stylesheet" href="/viewer/rrweb.css"><script src="/viewer/rrweb.js" defer></script><script src="/viewer/replay.js" defer></script>');
}

export function accessKeyPage(): string {
  return layout('Access key required', '<h1>Access key required</h1><p>This collector listens beyond localhost. Open the viewer with <code>?key=&lt;viewerAccessKey&gt;</code> (see config.json in the data directory).</p>');
}

export const VIEWER_CSS = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d2430; background: #f6f7f9; }
header { background: #1d2430; padding: 10px 24px; display: flex; gap: 24px; } .brand { color: #fff; font-weight: 600; text-decoration: none; }
header nav { display: flex; gap: 16px; } header nav a { color: #c9d1dc; text-decoration: none; }
main { padding: 16px 24px; } h1 { font-size: 20px; } .muted { color: #6b7380; } code { font-size: 12px; }
table.sessions { border-collapse: collapse; width: 100%; background: #fff; }
.sessions th, .sessions td { padding: 8px 10px; border-bottom: 1px solid #e3e6ea; text-align: left; vertical-align: top; }
.count { text-align: right; } .count.rage { color: #c62828; font-weight: 600; } .count.dead { color: #6d4c41; font-weight: 600; }
.count.error { color: #ef6c00; font-weight: 600; }
.stage { display: grid; grid-template-columns: minmax(0, 1fr) 340px; gap: 12px; align-items: start; }
@media (max-width: 900px) { .stage { grid-template-columns: minmax(0, 1fr); } }
.player { background: #fff; padding: 12px; border: 1px solid #e3e6ea; min-width: 0; }
#replay { overflow: hidden; background: #eef0f3; }
#replay iframe { border: 0; background: #fff; }
.controls { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; margin: 8px 0 4px; }
.controls button { font: inherit; padding: 3px 10px; border: 1px solid #c5cad3; background: #fff; border-radius: 4px; cursor: pointer; }
.controls #play { min-width: 5em; font-weight: 600; } .speeds button { border-radius: 0; margin-left: -1px; }
.controls button[aria-pressed="true"] { background: #1d2430; color: #fff; border-color: #1d2430; }
.clock { font-variant-numeric: tabular-nums; } .shortcuts { font-size: 12px; margin: 0; }
kbd { font: 11px ui-monospace, monospace; border: 1px solid #c5cad3; border-radius: 3px; padding: 0 4px; background: #f6f7f9; }
.events h2 { font-size: 16px; margin: 0 0 6px; } .events .facts { max-height: 560px; overflow: auto; margin: 0; padding: 4px 8px; list-style: none; }
.events .facts li { display: flex; flex-wrap: wrap; gap: 0 6px; align-items: baseline; padding: 3px 4px; border-bottom: 1px solid #f0f1f3; }
.events .facts .mod { margin-left: 0; }
.facts li.current { background: #fff8c5; }
.timeline { position: relative; height: 18px; background: #e3e6ea; border-radius: 3px; cursor: pointer; touch-action: none; }
.timeline .marker { position: absolute; top: 2px; width: 4px; height: 14px; margin-left: -2px; border-radius: 2px; background: #546e7a; }
.marker.rage { background: #c62828; } .marker.dead { background: #6d4c41; } .marker.error { background: #ef6c00; }
.marker.navigate { background: #1565c0; } .marker.custom { background: #2e7d32; }
.playhead { position: absolute; top: 0; bottom: 0; width: 2px; background: #1d2430; }
.facts { background: #fff; border: 1px solid #e3e6ea; padding: 8px 8px 8px 36px; }
.facts li { padding: 3px 0; cursor: pointer; } .facts .tag { font-weight: 600; margin-right: 6px; }
.facts .mod { margin-left: 6px; padding: 0 5px; border-radius: 3px; color: #fff; font-size: 12px; }
.mod.rage { background: #c62828; } .mod.dead { background: #6d4c41; } .mod.error { background: #ef6c00; } .mod.suspicious { background: #6a1b9a; }
.search { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: end; background: #fff; border: 1px solid #e3e6ea; padding: 12px; margin-bottom: 12px; }
.search label { display: flex; flex-direction: column; font-size: 12px; color: #6b7380; } .search fieldset { display: flex; gap: 10px; border: 0; padding: 0; }
.search fieldset label { flex-direction: row; gap: 4px; align-items: center; } .segments { margin-bottom: 12px; } .segments h2 { font-size: 16px; }
.legend { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; color: #6b7380; font-size: 12px; }
.legend dt { font-weight: 600; } .legend dd { margin: 0; }
.empty { background: #fff; padding: 24px; border: 1px solid #e3e6ea; }
.devtools { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; margin-top: 12px; }
.panel h2 { font-size: 16px; } .panel label { font-size: 12px; font-weight: 400; margin-left: 8px; }
.entries { list-style: none; margin: 0; padding: 0; max-height: 320px; overflow: auto; background: #fff; border: 1px solid #e3e6ea; font: 12px/1.5 ui-monospace, monospace; }
.entries li { display: flex; gap: 8px; padding: 2px 8px; border-bottom: 1px solid #f0f1f3; cursor: pointer; white-space: nowrap; }
.entries li[hidden] { display: none; } .entries li.current { background: #fff8c5; } .entries .url, .entries .message { overflow: hidden; text-overflow: ellipsis; white-space: pre; }
.entries .method { font-weight: 600; min-width: 3.5em; } .entries .status { min-width: 3em; } .entries .duration { min-width: 4.5em; text-align: right; }
.status-ok .status { color: #2e7d32; } .status-redirect .status { color: #1565c0; } .status-warn .status { color: #ef6c00; }
.status-error { background: #fdecea; } .status-error .status { color: #c62828; font-weight: 600; }
.level-warn { background: #fff8e1; } .level-error { background: #fdecea; color: #b71c1c; } .level-debug, .level-info { color: #455a64; }
`;
