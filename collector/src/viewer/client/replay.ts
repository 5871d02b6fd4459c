/**
 * The replay page's script, served as /viewer/replay.js (built to dist/viewer/replay.js; see
 * collector/rollup.config.ts). It builds rrweb's Replayer, which rebuilds the recording inside an
 * iframe sandboxed to `allow-same-origin` (recorded scripts and handlers never run), and renders
 * recorded strings with textContent only: a payload that lies about its types shows odd text,
 * never markup.
 */
import type { eventWithTime, viewportResizeDimension } from '@rrweb/types';
import type { Replayer } from 'rrweb';
import { EventType, type ChangeFact, type ClickFact, type FactPayloads, type FactTag } from 'openstory/vocabulary';
import { renderPanels, type PanelFact } from './panels';

// The page loads rrweb's UMD bundle in its own script tag before this one (viewer/html.ts), so
// only its types are imported; the player comes from that global.
declare const rrweb: { Replayer: typeof Replayer };

/** A fact as /sessions/:key/facts.json serves it (the fields of StoredFact this page reads). */
type Fact = { [T in FactTag]: { tag: T; timestamp: number; pageUrl: string; payload: FactPayloads[T] } }[FactTag];
/** Any fact's payload may carry modifiers: clicks the click ones, changes and navigations EventModSuspicious. */
type Modifiers = Partial<Pick<ClickFact, 'EventModFrustrated' | 'EventModDead' | 'EventModError'> & Pick<ChangeFact, 'EventModSuspicious'>>;

/** The player and the recording's time frame, once the events are loaded. */
interface Player {
  replayer: Replayer;
  playing: boolean;
  start: number;
  total: number;
}

function byId(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the replay page has no #${id}`);
  return element;
}

const root = byId('replay');
const base = `/sessions/${root.getAttribute('data-session')}`;

function describe(fact: Fact): string {
  switch (fact.tag) {
    case 'click': return fact.payload.EventTargetText || fact.payload.EventTargetSelectorTok || 'element';
    case 'change': return (fact.payload.EventTargetSelectorTok || 'field') + (fact.payload.EventTargetText ? ` = ${fact.payload.EventTargetText}` : '');
    case 'navigate': return (fact.payload.EventSubType === 'spa' ? 'SPA ' : '') + (fact.payload.PageUrl || fact.pageUrl);
    case 'custom': return fact.payload.EventCustomName || 'event';
    case 'error': return fact.payload.message || 'error';
    case 'thrash': return `thrashed cursor over ${fact.payload.EventTargetSelectorTok || 'page'}`;
    case 'abandon': return `abandoned ${fact.payload.EventTargetSelectorTok || 'form'}`;
    case 'vital': return `${fact.payload.name} ${fact.payload.value} (${fact.payload.rating})`;
    default: return '';
  }
}

/** [CSS class, label] of each badge after the fact's text. */
function modifiers(fact: Fact): [string, string][] {
  const p = fact.payload as Modifiers;
  const list: [string, string][] = [];
  if ((p.EventModFrustrated ?? 0) > 0) list.push(['rage', `rage x${p.EventModFrustrated}`]);
  if (p.EventModDead === 1) list.push(['dead', 'dead']);
  if (p.EventModError === 1) list.push(['error', 'error']);
  if ((p.EventModSuspicious ?? 0) > 0) list.push(['suspicious', p.EventModSuspicious === 1 ? 'SQL injection?' : 'XSS?']);
  return list;
}

function markerKind(fact: Fact): string {
  const p = fact.payload as Modifiers;
  if ((p.EventModFrustrated ?? 0) > 0) return 'rage';
  if (p.EventModError === 1 || fact.tag === 'error') return 'error';
  if (p.EventModDead === 1) return 'dead';
  return fact.tag;
}

const seconds = (ms: number): string => `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
const percent = (part: number, total: number): string => `${total > 0 ? Math.min(100, Math.max(0, (part / total) * 100)) : 0}%`;

function seek(player: Player, offset: number): void {
  if (player.playing) player.replayer.play(offset);
  else player.replayer.pause(offset);
}

function span(text: string, className?: string): HTMLSpanElement {
  const element = document.createElement('span');
  if (className) element.className = className;
  element.textContent = text;
  return element;
}

/** Tags the developer panels show instead of the fact list. */
const PANEL_ONLY: ReadonlySet<string> = new Set(['log', 'request']);

function renderFacts(player: Player, facts: Fact[]): void {
  const list = byId('facts');
  const timeline = byId('timeline');
  for (const fact of facts) {
    if (PANEL_ONLY.has(fact.tag)) continue;
    const offset = fact.timestamp - player.start;
    const item = document.createElement('li');
    item.setAttribute('data-tag', fact.tag);
    item.append(span(`${seconds(offset)} `, 'muted'), span(fact.tag, 'tag'), span(describe(fact)));
    for (const [kind, label] of modifiers(fact)) item.append(span(label, `mod ${kind}`));
    item.addEventListener('click', () => seek(player, offset));
    list.append(item);
    if (fact.tag === 'log' || fact.tag === 'vital') continue;
    const marker = document.createElement('div');
    marker.className = `marker ${markerKind(fact)}`;
    marker.title = `${fact.tag} ${describe(fact)}`;
    marker.style.left = percent(offset, player.total);
    timeline.append(marker);
  }
}

function wireControls(player: Player, highlight: (now: number) => void): void {
  const button = byId('play');
  const timeline = byId('timeline');
  const playhead = byId('playhead');
  const clock = byId('clock');
  button.addEventListener('click', () => {
    const now = player.replayer.getCurrentTime();
    player.playing = !player.playing;
    if (player.playing) player.replayer.play(now >= player.total ? 0 : now);
    else player.replayer.pause();
    button.textContent = player.playing ? 'Pause' : 'Play';
  });
  timeline.addEventListener('click', (event) => {
    const box = timeline.getBoundingClientRect();
    seek(player, ((event.clientX - box.left) / box.width) * player.total);
  });
  player.replayer.on('finish', () => {
    player.playing = false;
    button.textContent = 'Play';
  });
  const tick = () => {
    const now = Math.min(player.total, player.replayer.getCurrentTime());
    playhead.style.left = percent(now, player.total);
    clock.textContent = `${seconds(now)} / ${seconds(player.total)}`;
    highlight(now);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

// The recording keeps its own viewport size; the player is scaled down to the page's width.
function fit(replayer: Replayer, size: viewportResizeDimension): void {
  if (!size.width) return;
  const scale = Math.min(1, root.clientWidth / size.width);
  replayer.wrapper.style.transformOrigin = '0 0';
  replayer.wrapper.style.transform = `scale(${scale})`;
  root.style.height = `${Math.ceil(size.height * scale)}px`;
}

function fail(message: string): void {
  const note = document.createElement('p');
  note.className = 'empty';
  note.textContent = message;
  root.append(note);
  root.setAttribute('data-state', 'error');
}

function start(events: eventWithTime[], facts: Fact[]): void {
  // EventType.FullSnapshot: without one the Replayer has nothing to rebuild.
  if (!events.some((event) => event.type === EventType.FullSnapshot)) return fail('This session has no full snapshot to replay yet.');
  events.sort((a, b) => a.timestamp - b.timestamp);
  const replayer = new rrweb.Replayer(events, { root, mouseTail: false, showWarning: false, skipInactive: true });
  const meta = replayer.getMetaData();
  const player: Player = { replayer, playing: true, start: meta.startTime, total: meta.totalTime };
  fit(replayer, { width: Number(replayer.iframe.getAttribute('width')), height: Number(replayer.iframe.getAttribute('height')) });
  replayer.on('resize', (size) => fit(replayer, size as viewportResizeDimension));
  renderFacts(player, facts);
  const panelFacts: PanelFact[] = facts.filter((fact): fact is Extract<Fact, { tag: PanelFact['tag'] }> => fact.tag === 'log' || fact.tag === 'error' || fact.tag === 'request');
  wireControls(player, renderPanels(panelFacts, player.start, (offset) => seek(player, offset), seconds));
  replayer.play(0);
  root.setAttribute('data-state', 'ready');
}

const json = <T>(path: string): Promise<T> => fetch(base + path).then((response) => response.json() as Promise<T>);

Promise.all([json<eventWithTime[]>('/events.json'), json<Fact[]>('/facts.json')])
  .then(([events, facts]) => start(events, facts))
  .catch((error: Error) => fail(`Replay failed: ${error.message}`));
