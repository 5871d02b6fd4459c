import type { FactPayloads } from 'openstory/vocabulary';

/** The facts the developer panels show, as replay.ts receives them. */
export type PanelFact =
  | { tag: 'log'; timestamp: number; payload: FactPayloads['log'] }
  | { tag: 'error'; timestamp: number; payload: FactPayloads['error'] }
  | { tag: 'request'; timestamp: number; payload: FactPayloads['request'] };

/** One row of a panel or of the event list, at its moment in the replay. */
export interface Entry {
  offset: number;
  element: HTMLElement;
}

/** A request failed: no response (network error, abort) or an HTTP error status. sendBeacon has no status and did not fail. */
const failed = (request: FactPayloads['request']): boolean => !!request.failed || request.ReqStatus >= 400;

/** Status colour class: 2xx ok, 3xx redirect, 4xx client error, 5xx and failures error. */
function statusClass(request: FactPayloads['request']): string {
  if (request.failed || request.ReqStatus >= 500) return 'status-error';
  if (request.ReqStatus >= 400) return 'status-warn';
  if (request.ReqStatus >= 300) return 'status-redirect';
  return 'status-ok';
}

function cell(text: string, className: string): HTMLSpanElement {
  const element = document.createElement('span');
  element.className = className;
  element.textContent = text;
  return element;
}

/**
 * The last entry whose moment has come is the current one; its list scrolls to keep it in view
 * (the list's own scrollTop, never the page's, so reading elsewhere on the page is not disturbed).
 */
export function highlighter(entries: Entry[]): (now: number) => void {
  let current: HTMLElement | undefined;
  return (now) => {
    let next: HTMLElement | undefined;
    for (const entry of entries) if (entry.offset <= now) next = entry.element;
    if (next === current) return;
    current?.classList.remove('current');
    next?.classList.add('current');
    current = next;
    const list = next?.parentElement;
    if (!next || !list) return;
    const top = next.getBoundingClientRect().top - list.getBoundingClientRect().top + list.scrollTop;
    if (top < list.scrollTop || top + next.offsetHeight > list.scrollTop + list.clientHeight) list.scrollTop = top - list.clientHeight / 2;
  };
}

/**
 * Fills the console panel (console messages, FS.log and uncaught errors) and the network panel
 * (method, status coloured by class, duration, URL; a checkbox keeps failed requests only). A
 * click on an entry seeks the replay to its moment; the returned function marks the entry of
 * the moment being played. Every string goes through textContent.
 */
export function renderPanels(facts: PanelFact[], start: number, seek: (offset: number) => void, seconds: (ms: number) => string): (now: number) => void {
  const consoleList = document.getElementById('console');
  const networkList = document.getElementById('network');
  const failedOnly = document.getElementById('failed-only') as HTMLInputElement | null;
  if (!consoleList || !networkList) return () => undefined;
  const entries: Entry[] = [];
  const requests: Array<{ element: HTMLElement; failed: boolean }> = [];
  for (const fact of [...facts].sort((a, b) => a.timestamp - b.timestamp)) {
    const offset = fact.timestamp - start;
    const item = document.createElement('li');
    item.append(cell(seconds(offset), 'muted'));
    if (fact.tag === 'request') {
      const request = fact.payload;
      item.className = statusClass(request);
      item.append(
        cell(String(request.ReqMethod), 'method'),
        cell(request.failed ?? String(request.ReqStatus || '—'), 'status'),
        cell(`${Math.round(request.duration)} ms`, 'duration'),
        cell(String(request.ReqUrl), 'url'),
      );
      requests.push({ element: item, failed: failed(request) });
      networkList.append(item);
    } else {
      const level = fact.tag === 'error' ? 'error' : fact.payload.level;
      item.className = `level-${level}`;
      item.append(cell(level, 'level'), cell(String(fact.payload.message), 'message'));
      consoleList.append(item);
    }
    item.addEventListener('click', () => seek(offset));
    entries.push({ offset, element: item });
  }
  failedOnly?.addEventListener('change', () => {
    for (const request of requests) request.element.hidden = failedOnly.checked && !request.failed;
  });
  const consoleEntries = entries.filter((entry) => entry.element.parentElement === consoleList);
  const networkEntries = entries.filter((entry) => entry.element.parentElement === networkList);
  const highlightConsole = highlighter(consoleEntries);
  const highlightNetwork = highlighter(networkEntries);
  return (now) => {
    highlightConsole(now);
    highlightNetwork(now);
  };
}
