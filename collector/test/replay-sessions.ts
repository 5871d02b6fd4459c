import type { Bundle } from 'openstory/vocabulary';
import { factAt, makeBundle, pageMetadata, T0 } from './fixtures';

/** Shape of a session built to be larger than the replay page's window (client/feed.ts). */
export interface LongSessionShape {
  pages: number;
  bundlesPerPage: number;
  /** Characters of filler per bundle after the page's first: gzip leaves them about as large (a hash-like alphabet). */
  fillerChars: number;
  /** Recording time between two bundles of a page. */
  stepMs: number;
}

export const LONG_SESSION: LongSessionShape = { pages: 6, bundlesPerPage: 6, fillerChars: 512 * 1024, stepMs: 2000 };

/** Filler that gzip cannot shrink much, deterministic per seed (a linear congruential sequence over 64 letters). */
function filler(length: number, seed: number): string {
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let state = seed >>> 0;
  let text = '';
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    text += letters[state >>> 26];
  }
  return text;
}

export const pageStartOf = (page: number, shape = LONG_SESSION): number => T0 + page * shape.bundlesPerPage * shape.stepMs;
export const stepLabel = (page: number, step: number): string => `page ${page} step ${step}`;

/**
 * A session of `pages` page views of u-long, each opening with a Meta and a full snapshot (as the
 * SDK records a page) and then one bundle per step: a text mutation the test can see in the
 * replay (`page N step M`) and an attribute mutation carrying the filler that makes it large.
 */
export function longSession(shape = LONG_SESSION): Bundle[] {
  const bundles: Bundle[] = [];
  for (let page = 0; page < shape.pages; page++) {
    const pageId = `p-long-${page}`;
    const at = pageStartOf(page, shape);
    const url = `https://shop.example/long/${page}`;
    bundles.push(makeBundle({
      userId: 'u-long', sessionId: 's-long', pageId,
      page: pageMetadata({ url, startTime: at }),
      events: [
        { type: 4, timestamp: at, data: { href: url, width: 1280, height: 720 } },
        { type: 2, timestamp: at + 1, data: { initialOffset: { top: 0, left: 0 }, node: { type: 0, id: 1, childNodes: [
          { type: 1, id: 2, name: 'html', publicId: '', systemId: '' },
          { type: 2, id: 3, tagName: 'html', attributes: {}, childNodes: [
            { type: 2, id: 4, tagName: 'head', attributes: {}, childNodes: [] },
            { type: 2, id: 5, tagName: 'body', attributes: { style: 'font:32px sans-serif' }, childNodes: [
              { type: 2, id: 6, tagName: 'h1', attributes: { id: 'title' }, childNodes: [{ type: 3, id: 7, textContent: stepLabel(page, 0) }] },
              { type: 2, id: 8, tagName: 'div', attributes: { id: 'bulk', hidden: '' }, childNodes: [] },
            ] },
          ] },
        ] } } },
      ] as never,
    }));
    for (let step = 1; step < shape.bundlesPerPage; step++) {
      bundles.push(makeBundle({
        userId: 'u-long', sessionId: 's-long', pageId, seq: step,
        events: [{ type: 3, timestamp: at + step * shape.stepMs, data: {
          source: 0, adds: [], removes: [],
          texts: [{ id: 7, value: stepLabel(page, step) }],
          attributes: [{ id: 8, attributes: { 'data-filler': filler(shape.fillerChars, page * 100 + step) } }],
        } }] as never,
      }));
    }
  }
  return bundles;
}

/** The idle stretch of gapSession: far above rrweb's 10 s inactivity threshold, 10 minutes at 1x. */
export const GAP_MS = 600_000;
/** Custom events after the gap, one a second: more than the event list shows at once. */
export const AFTER_GAP_EVENTS = 40;

/**
 * u-idle moves the mouse for two seconds, leaves for GAP_MS, comes back and moves on for
 * AFTER_GAP_EVENTS seconds, sending a custom event each second: user interactions on both sides
 * of the gap, which is what rrweb's skipInactive skips.
 */
export function gapSession(): Bundle[] {
  const at = T0 + 10;
  const move = (time: number, x: number) => ({ type: 3, timestamp: time, data: { source: 1, positions: [{ x, y: 100, id: 6, timeOffset: 0 }] } });
  const label = (time: number, text: string) => ({ type: 3, timestamp: time, data: { source: 0, adds: [], removes: [], attributes: [], texts: [{ id: 7, value: text }] } });
  const back = at + GAP_MS;
  const after = Array.from({ length: AFTER_GAP_EVENTS }, (_, i) => back + 1000 * (i + 1));
  const common = { userId: 'u-idle', sessionId: 's-idle', pageId: 'p-idle' };
  return [
    makeBundle({ ...common, events: [
      ...longSession({ pages: 1, bundlesPerPage: 1, fillerChars: 0, stepMs: 0 })[0].events.map((event) => ({ ...event, timestamp: event.timestamp - T0 + at })),
      ...[500, 1000, 1500, 2000].map((delay, i) => move(at + delay, 100 + i * 40)),
      factAt('click', { EventTargetText: 'Before the gap', EventTargetSelectorTok: 'html body h1', EventModFrustrated: 0, EventModDead: 0, EventModError: 0 }, at + 1000),
    ] as never }),
    makeBundle({ ...common, seq: 1, events: [
      label(back, 'after the gap'), move(back, 300),
      ...after.flatMap((time, i) => [move(time, 300 + i), factAt('custom', { EventCustomName: `Step ${i + 1}`, properties: {} }, time)]),
    ] as never }),
  ];
}
