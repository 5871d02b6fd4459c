import { EventType, ID_PATTERN, PROTOCOL_VERSION, type Bundle, type eventWithTime, type PageMetadata } from 'openstory/vocabulary';
import { isRefusal, refuse, type Refusal } from '../refusal';
import { validateStrings } from './references';

/** Browsers cap URLs around 2 MB, but nothing useful for analytics is longer than this. */
const MAX_URL_CHARS = 8192;
const MAX_TEXT_CHARS = 1024;
/** rrweb's EventType enum runs from DomContentLoaded (0) to Plugin, its highest number. */
const MAX_EVENT_TYPE = EventType.Plugin;
/**
 * Deepest nesting accepted inside an event. A DOM snapshot nests about two levels per element
 * (node, childNodes); real pages stay far below 500 elements deep. Deeper input is refused
 * because serializing it again would exhaust the stack.
 */
const MAX_EVENT_DEPTH = 1000;
/** Sequence numbers are per page; a page would need centuries of bundles to pass this. */
const MAX_SEQ = 2 ** 31 - 1;
/**
 * Events in one bundle. The SDK cuts a bundle every few seconds and rrweb samples mouse moves and
 * scrolls, so real bundles hold hundreds; the cap bounds the per-event work a single body buys.
 */
export const MAX_EVENTS_PER_BUNDLE = 20_000;
/**
 * JSON values (objects, arrays, leaves) in one event. A full snapshot of a large page (10,000
 * elements, each a node object, an attributes object and a few leaves) stays below 200,000.
 */
const MAX_EVENT_VALUES = 500_000;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
/** Epoch milliseconds as the SDK sends them (Date.now()): integers, so export periods and ids stay integers. */
const isTime = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isSize = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 100_000;
const isText = (value: unknown, max: number): value is string => typeof value === 'string' && value.length <= max;

const schema = (message: string): Refusal => refuse(400, 'bad-schema', message);

function validatePage(page: unknown): PageMetadata | Refusal {
  if (!isObject(page)) return schema('page must be an object');
  const { url, referrer, userAgent, screenWidth, screenHeight, viewportWidth, viewportHeight, timeZone, language, startTime } = page;
  if (!isText(url, MAX_URL_CHARS) || !isText(referrer, MAX_URL_CHARS)) return schema('page.url and page.referrer must be strings');
  if (!isText(userAgent, MAX_TEXT_CHARS) || !isText(timeZone, MAX_TEXT_CHARS) || !isText(language, MAX_TEXT_CHARS)) {
    return schema('page.userAgent, page.timeZone and page.language must be strings');
  }
  if (![screenWidth, screenHeight, viewportWidth, viewportHeight].every(isSize)) return schema('page sizes must be integers');
  // performance.timeOrigin is fractional; an older SDK may send it unrounded.
  if (typeof startTime !== 'number' || !Number.isFinite(startTime) || startTime < 0) return schema('page.startTime must be epoch ms');
  return {
    url, referrer, userAgent, timeZone, language, startTime: Math.round(startTime),
    screenWidth: screenWidth as number, screenHeight: screenHeight as number,
    viewportWidth: viewportWidth as number, viewportHeight: viewportHeight as number,
  };
}

/**
 * Whether a parsed JSON value stays within the depth and value-count caps, walked without
 * recursion. Anything within them serializes again (JSON.stringify recurses once per level).
 */
function withinBounds(value: unknown): boolean {
  let values = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (++values > MAX_EVENT_VALUES || depth > MAX_EVENT_DEPTH) return false;
    if (typeof current !== 'object' || current === null) continue;
    for (const child of Array.isArray(current) ? current : Object.values(current)) stack.push([child, depth + 1]);
  }
  return true;
}

/**
 * An event checked field by field and rebuilt from the fields rrweb's eventWithTime defines: a
 * field the replay does not read is not stored, so nothing unchecked reaches a commit.
 */
function validateEvent(event: unknown, index: number): eventWithTime | Refusal {
  if (!isObject(event)) return schema(`events[${index}] must be an object`);
  if (!Number.isInteger(event.type) || (event.type as number) < 0 || (event.type as number) > MAX_EVENT_TYPE) {
    return schema(`events[${index}].type must be an rrweb EventType`);
  }
  if (!isTime(event.timestamp)) return schema(`events[${index}].timestamp must be epoch ms`);
  if (!isObject(event.data)) return schema(`events[${index}].data must be an object`);
  if (event.type === EventType.Custom && (typeof event.data.tag !== 'string' || event.data.tag.length > 64)) {
    return schema(`events[${index}] is a Custom event without a tag`);
  }
  if (event.delay !== undefined && !(typeof event.delay === 'number' && Number.isFinite(event.delay))) {
    return schema(`events[${index}].delay must be a number`);
  }
  if (!withinBounds(event.data)) {
    return schema(`events[${index}] nests deeper than ${MAX_EVENT_DEPTH} levels or holds over ${MAX_EVENT_VALUES} values`);
  }
  return eventFields(event);
}

/** An event reduced to the fields rrweb's eventWithTime defines (stored received bodies are read back through it too). */
export function eventFields({ type, data, timestamp, delay }: Record<string, unknown>): eventWithTime {
  return (delay === undefined ? { type, data, timestamp } : { type, data, timestamp, delay }) as eventWithTime;
}

/** Checks a parsed body against docs/protocol.md; returns the bundle with only the known fields. */
export function validateBundle(body: unknown): Bundle | Refusal {
  if (!isObject(body)) return schema('the bundle must be a JSON object');
  if (body.v !== PROTOCOL_VERSION) return refuse(400, 'bad-version', `protocol version ${PROTOCOL_VERSION} expected`);
  const { orgId, userId, sessionId, pageId, seq, sentAt, events } = body;
  for (const [name, value] of Object.entries({ orgId, userId, sessionId, pageId })) {
    if (typeof value !== 'string' || !ID_PATTERN.test(value)) return schema(`${name} must match ${ID_PATTERN.source.slice(1, -1)}`);
  }
  if (!Number.isInteger(seq) || (seq as number) < 0 || (seq as number) > MAX_SEQ) return schema('seq must be a non-negative integer');
  if (!isTime(sentAt)) return schema('sentAt must be epoch ms');
  if (!Array.isArray(events)) return schema('events must be an array');
  if (events.length > MAX_EVENTS_PER_BUNDLE) return schema(`a bundle holds at most ${MAX_EVENTS_PER_BUNDLE} events`);
  const checked: eventWithTime[] = [];
  for (let index = 0; index < events.length; index++) {
    const event = validateEvent(events[index], index);
    if ('status' in event) return event;
    checked.push(event);
  }
  const strings = validateStrings(body.strings);
  if (isRefusal(strings)) return strings;
  let page: PageMetadata | undefined;
  if (seq === 0) {
    if (body.page === undefined) return refuse(400, 'missing-page', 'the bundle with seq 0 must carry page metadata');
    const checked = validatePage(body.page);
    if ('status' in checked) return checked;
    page = checked;
  }
  return {
    v: PROTOCOL_VERSION,
    orgId: orgId as string,
    userId: userId as string,
    sessionId: sessionId as string,
    pageId: pageId as string,
    seq: seq as number,
    sentAt: sentAt as number,
    page,
    ...(strings && { strings }),
    events: checked,
  };
}
