import type { ChangeFact, ClickFact, FactPayloads, FactTag } from 'openstory/vocabulary';
import { highlighter, type Entry } from './panels';

/** A fact as /sessions/:key/facts.json serves it (the fields of StoredFact this page reads). */
export type Fact = { [T in FactTag]: { tag: T; timestamp: number; pageUrl: string; payload: FactPayloads[T] } }[FactTag];
/** Any fact's payload may carry modifiers: clicks the click ones, changes and navigations EventModSuspicious. */
type Modifiers = Partial<Pick<ClickFact, 'EventModFrustrated' | 'EventModDead' | 'EventModError'> & Pick<ChangeFact, 'EventModSuspicious'>>;

export const seconds = (ms: number): string => `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
export const percent = (part: number, total: number): string => `${total > 0 ? Math.min(100, Math.max(0, (part / total) * 100)) : 0}%`;

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
    case 'log': return fact.payload.message;
    case 'request': return `${fact.payload.ReqMethod} ${fact.payload.failed ?? fact.payload.ReqStatus} ${fact.payload.ReqUrl}`;
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

/**
 * What the event list beside the player shows: everything a person looks for in a session, and of
 * the developer panels' entries only the failures (console errors, failed requests); the rest of
 * the console and network stays in the panels. Page-level counters are not events.
 */
function listed(fact: Fact): boolean {
  if (fact.tag === 'log') return fact.payload.level === 'error';
  if (fact.tag === 'request') return !!fact.payload.failed || fact.payload.ReqStatus >= 400;
  return !['console', 'load', 'duration', 'identity', 'userVars', 'pageVars'].includes(fact.tag);
}

function span(text: string, className?: string): HTMLSpanElement {
  const element = document.createElement('span');
  if (className) element.className = className;
  element.textContent = text;
  return element;
}

/**
 * Fills the event list (#facts) and the timeline's markers; a click on an entry seeks. Returns the
 * entries' moments in order (for previous/next event) and the function that marks the entry of
 * the moment being played. Every recorded string goes through textContent.
 */
export function renderEventList(facts: Fact[], origin: number, total: number, seek: (offset: number) => void): { offsets: number[]; highlight: (now: number) => void } {
  const list = document.getElementById('facts');
  const timeline = document.getElementById('timeline');
  if (!list || !timeline) return { offsets: [], highlight: () => undefined };
  const entries: Entry[] = [];
  for (const fact of [...facts].sort((a, b) => a.timestamp - b.timestamp)) {
    if (!listed(fact)) continue;
    const offset = fact.timestamp - origin;
    const item = document.createElement('li');
    item.setAttribute('data-tag', fact.tag);
    item.append(span(`${seconds(offset)} `, 'muted'), span(fact.tag, 'tag'), span(describe(fact)));
    for (const [kind, label] of modifiers(fact)) item.append(span(label, `mod ${kind}`));
    item.addEventListener('click', () => seek(offset));
    list.append(item);
    entries.push({ offset, element: item });
    if (fact.tag === 'vital') continue;
    const marker = document.createElement('div');
    marker.className = `marker ${markerKind(fact)}`;
    marker.title = `${fact.tag} ${describe(fact)}`;
    marker.style.left = percent(offset, total);
    timeline.append(marker);
  }
  return { offsets: entries.map((entry) => entry.offset), highlight: highlighter(entries) };
}
