import type { eventWithTime } from '@rrweb/types';
import type { Replayer } from 'rrweb';
import { EventType } from 'openstory/vocabulary';
import { PAGE_BYTES } from './feed';

// rrweb's UMD bundle is loaded by its own script tag before this one (viewer/insights.ts).
declare const rrweb: { Replayer: typeof Replayer };

export interface ClickMapData {
  /** The URL of the page view whose recording is rebuilt. */
  url?: string;
  points: Array<{ selector: string; x: number | null; y: number | null; rage: boolean; dead: boolean }>;
  scroll: Array<{ depth: number; share: number }>;
}

/** Radius of one click's heat (CSS px): about a fingertip, so clicks on one button merge into one spot. Our choice. */
const HEAT_RADIUS_PX = 24;
/**
 * Heat one click adds at its centre (of 1) before the map is scaled to its hottest spot, as
 * Clarity's heatmaps are (relative to the page's most clicked place). Low, so that 40 clicks on
 * one spot still differ from 20 before the scaling.
 */
const HEAT_PER_CLICK = 0.025;
/** Heat colours from cold to hot, the usual heatmap ramp (Clarity's heatmaps read the same way). */
const HEAT_RAMP: Array<[number, string]> = [[0.2, '#2962ff'], [0.45, '#00e5ff'], [0.65, '#76ff03'], [0.85, '#ffea00'], [1, '#ff1744']];
/** Opacity of the heat at full intensity: the page stays readable beneath. */
const HEAT_MAX_ALPHA = 0.75;

type Box = { left: number; top: number; width: number; height: number };

/**
 * FullStory's selector token (heuristics.md: `tag#id.class` per element from html, ids and classes
 * percent-encoded) as a CSS selector of the same path; undefined when a token is not one.
 */
export function cssSelector(selectorTok: string): string | undefined {
  try {
    return selectorTok.trim().split(/\s+/).map((token) => {
      const match = /^([A-Za-z][A-Za-z0-9-]*)((?:[#.][^#.]*)*)$/.exec(token);
      if (!match) throw new Error(token);
      const parts = match[2].match(/[#.][^#.]*/g) ?? [];
      return match[1] + parts.map((part) => part[0] + CSS.escape(decodeURIComponent(part.slice(1)))).join('');
    }).join(' > ');
  } catch {
    return undefined;
  }
}

/** The element's box in document coordinates, when the selector names one in the rebuilt page. */
function boxOf(doc: Document, selector: string, cache: Map<string, Box | undefined>): Box | undefined {
  if (!cache.has(selector)) {
    const css = cssSelector(selector);
    let element: Element | null = null;
    try {
      element = css ? doc.querySelector(css) : null;
    } catch {
      element = null;
    }
    const rect = element?.getBoundingClientRect();
    const view = doc.defaultView;
    cache.set(selector, rect && rect.width > 0 && rect.height > 0
      ? { left: rect.left + (view?.scrollX ?? 0), top: rect.top + (view?.scrollY ?? 0), width: rect.width, height: rect.height } : undefined);
  }
  return cache.get(selector);
}

const inside = (box: Box, x: number, y: number) => x >= box.left && x <= box.left + box.width && y >= box.top && y <= box.top + box.height;

/**
 * Where a click is drawn: on its element when the snapshot has it (at the recorded point when that
 * lies in the element's box, else the box's centre: the page may have moved since), else at its
 * recorded page coordinates; nowhere without either.
 */
function place(point: ClickMapData['points'][number], box: Box | undefined): { x: number; y: number; by: 'element' | 'coordinates' } | undefined {
  if (box) {
    const recorded = point.x !== null && point.y !== null && inside(box, point.x, point.y);
    return recorded ? { x: point.x!, y: point.y!, by: 'element' } : { x: box.left + box.width / 2, y: box.top + box.height / 2, by: 'element' };
  }
  return point.x !== null && point.y !== null ? { x: point.x, y: point.y, by: 'coordinates' } : undefined;
}

/** Density of the clicks as alpha on a scratch canvas, scaled to the hottest spot, then coloured through HEAT_RAMP. */
function drawHeat(context: CanvasRenderingContext2D, spots: Array<{ x: number; y: number }>): void {
  const { width, height } = context.canvas;
  const scratch = document.createElement('canvas');
  scratch.width = width;
  scratch.height = height;
  const density = scratch.getContext('2d')!;
  for (const { x, y } of spots) {
    const gradient = density.createRadialGradient(x, y, 0, x, y, HEAT_RADIUS_PX);
    gradient.addColorStop(0, `rgba(0,0,0,${HEAT_PER_CLICK})`);
    gradient.addColorStop(1, 'rgba(0,0,0,0)');
    density.fillStyle = gradient;
    density.fillRect(x - HEAT_RADIUS_PX, y - HEAT_RADIUS_PX, HEAT_RADIUS_PX * 2, HEAT_RADIUS_PX * 2);
  }
  const ramp = document.createElement('canvas');
  ramp.width = 256;
  ramp.height = 1;
  const rampContext = ramp.getContext('2d')!;
  const gradient = rampContext.createLinearGradient(0, 0, 256, 0);
  for (const [stop, color] of HEAT_RAMP) gradient.addColorStop(stop, color);
  rampContext.fillStyle = gradient;
  rampContext.fillRect(0, 0, 256, 1);
  const colors = rampContext.getImageData(0, 0, 256, 1).data;
  const image = density.getImageData(0, 0, width, height);
  let hottest = 0;
  for (let index = 3; index < image.data.length; index += 4) hottest = Math.max(hottest, image.data[index]);
  for (let index = 3; index < image.data.length; index += 4) {
    if (image.data[index] === 0) continue;
    const level = Math.round((image.data[index] * 255) / hottest);
    image.data[index - 3] = colors[level * 4];
    image.data[index - 2] = colors[level * 4 + 1];
    image.data[index - 1] = colors[level * 4 + 2];
    image.data[index] = Math.round(level * HEAT_MAX_ALPHA);
  }
  context.putImageData(image, 0, 0);
}

/** Rage clicks as red rings, dead clicks as dark crosses, over the heat. */
function drawMarks(context: CanvasRenderingContext2D, marks: Array<{ x: number; y: number; rage: boolean; dead: boolean }>): void {
  context.lineWidth = 2;
  for (const { x, y, rage, dead } of marks) {
    if (rage) {
      context.strokeStyle = '#c62828';
      context.beginPath();
      context.arc(x, y, 9, 0, Math.PI * 2);
      context.stroke();
    }
    if (dead) {
      context.strokeStyle = '#3e2723';
      context.beginPath();
      context.moveTo(x - 6, y - 6);
      context.lineTo(x + 6, y + 6);
      context.moveTo(x + 6, y - 6);
      context.lineTo(x - 6, y + 6);
      context.stroke();
    }
  }
}

/** Each located element's click count in a badge at its top right corner (numbers only: no recorded text leaves the frame). */
function drawCounts(context: CanvasRenderingContext2D, counts: Map<Box, number>): void {
  context.font = '600 12px system-ui, sans-serif';
  for (const [box, count] of counts) {
    const label = String(count);
    const width = context.measureText(label).width + 10;
    const x = box.left + box.width - width / 2;
    const y = Math.max(0, box.top - 9);
    context.fillStyle = '#1d2430';
    context.fillRect(x, y, width, 18);
    context.fillStyle = '#fff';
    context.fillText(label, x + 5, y + 13);
  }
}

function fail(stage: HTMLElement, message: string): void {
  const note = document.createElement('p');
  note.className = 'empty';
  note.textContent = message;
  stage.append(note);
  stage.dataset.state = 'error';
}

/**
 * The page view's first full snapshot, with the Meta event before it: what the map is drawn over.
 * events.json is read a page at a time in the session's order (as the replay page reads it) and
 * no further than the snapshot, so a long session is not loaded whole for one page view.
 */
async function snapshotOf(session: string, url: string | undefined): Promise<eventWithTime[] | undefined> {
  let after: string | null = null;
  let meta: eventWithTime | undefined;
  do {
    const query: string = `?limit=${PAGE_BYTES}${after === null ? '' : `&after=${encodeURIComponent(after)}`}`;
    const page = (await (await fetch(`/sessions/${session}/events.json${query}`)).json()) as { events: eventWithTime[]; next: string | null };
    for (const event of page.events) {
      if (event.type === EventType.Meta) meta = (event.data as { href?: string }).href === url ? event : undefined;
      else if (meta && event.type === EventType.FullSnapshot) return [meta, event];
    }
    after = page.next;
  } while (after !== null);
  return undefined;
}

/**
 * Rebuilds the page view's snapshot in rrweb's sandboxed replay frame (paused on it: nothing plays,
 * recorded scripts never run), makes the frame as tall as the page, and draws the clicks on a canvas
 * laid over it. The stage says what it placed (data-by-element, data-by-coordinates) for tests.
 */
export async function drawClickMap(stage: HTMLElement, data: ClickMapData): Promise<void> {
  try {
    const snapshot = await snapshotOf(stage.dataset.session ?? '', data.url);
    if (!snapshot) return fail(stage, 'The recording of this page view has no full snapshot to draw the clicks over.');
    const replayer = new rrweb.Replayer(snapshot, { root: stage.querySelector<HTMLElement>('#replay')!, mouseTail: false, showWarning: false });
    // The Replayer rebuilds its first full snapshot on a timer of its own; the map waits for it.
    const rebuilt = new Promise((resolve) => replayer.on('fullsnapshot-rebuilded', resolve));
    replayer.pause(snapshot[1].timestamp - snapshot[0].timestamp);
    await rebuilt;
    const doc = replayer.iframe.contentDocument;
    if (!doc?.documentElement) return fail(stage, 'The snapshot could not be rebuilt.');
    const width = Number(replayer.iframe.getAttribute('width'));
    const height = Math.max(Number(replayer.iframe.getAttribute('height')), doc.documentElement.scrollHeight);
    replayer.iframe.setAttribute('height', String(height));
    replayer.wrapper.style.height = `${height}px`;
    const canvas = stage.querySelector<HTMLCanvasElement>('#heat')!;
    canvas.width = width;
    canvas.height = height;
    const boxes = new Map<string, Box | undefined>();
    const placed = data.points.flatMap((point) => {
      const box = boxOf(doc, point.selector, boxes);
      const spot = place(point, box);
      return spot ? [{ ...point, ...spot, box }] : [];
    });
    const counts = new Map<Box, number>();
    for (const { box } of placed) if (box) counts.set(box, (counts.get(box) ?? 0) + 1);
    const context = canvas.getContext('2d')!;
    drawHeat(context, placed);
    drawMarks(context, placed);
    drawCounts(context, counts);
    stage.dataset.byElement = String(placed.filter((spot) => spot.by === 'element').length);
    stage.dataset.byCoordinates = String(placed.filter((spot) => spot.by === 'coordinates').length);
    stage.dataset.state = 'ready';
  } catch (error) {
    fail(stage, `The click map failed: ${(error as Error).message}`);
  }
}
