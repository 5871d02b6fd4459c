/**
 * The replay page's script, served as /viewer/replay.js (built to dist/viewer/replay.js; see
 * collector/rollup.config.ts). It reads the session's events a page at a time into a bounded
 * window (feed.ts) and plays them with rrweb's Replayer (player.ts), which rebuilds the recording
 * inside an iframe sandboxed to `allow-same-origin` (recorded scripts and handlers never run); the
 * event list, the timeline and the developer panels render recorded strings with textContent
 * only: a payload that lies about its types shows odd text, never markup.
 */
import { EventType } from 'openstory/vocabulary';
import { wireControls, linkedMoment } from './controls';
import { renderEventList, seconds, type Fact } from './event-list';
import { createEventWindow } from './feed';
import { renderPanels, type PanelFact } from './panels';
import { createPlayer } from './player';

const root = document.getElementById('replay');

function fail(message: string): void {
  if (!root) return;
  const note = document.createElement('p');
  note.className = 'empty';
  note.textContent = message;
  root.append(note);
  root.setAttribute('data-state', 'error');
}

async function start(element: HTMLElement): Promise<void> {
  const base = `/sessions/${element.getAttribute('data-session')}`;
  const feed = createEventWindow(`${base}/events.json`);
  const factsLoaded = fetch(`${base}/facts.json`).then((response) => response.json() as Promise<Fact[]>);
  // Pages until the first full snapshot: without one the Replayer has nothing to rebuild.
  while (!feed.events().some((event) => event.type === EventType.FullSnapshot)) {
    if (feed.done()) return fail('This session has no full snapshot to replay yet.');
    await feed.more();
  }
  const facts = await factsLoaded;
  const origin = feed.start();
  const total = Math.max(Number(element.getAttribute('data-last')) - origin, feed.end() - origin, 0);
  const at = linkedMoment(location);
  // A shared link opens paused at its moment; otherwise the replay plays from the start.
  const player = createPlayer({ root: element, feed, total, autoplay: at === 0, fail });
  await player.seek(at);
  const list = renderEventList(facts, origin, total, (offset) => void player.seek(offset));
  const panelFacts = facts.filter((fact): fact is Extract<Fact, { tag: PanelFact['tag'] }> => fact.tag === 'log' || fact.tag === 'error' || fact.tag === 'request');
  const panels = renderPanels(panelFacts, origin, (offset) => void player.seek(offset), seconds);
  wireControls(player, list.offsets, (now) => {
    list.highlight(now);
    panels(now);
  });
  element.setAttribute('data-state', 'ready');
}

if (root) start(root).catch((error: Error) => fail(`Replay failed: ${error.message}`));
