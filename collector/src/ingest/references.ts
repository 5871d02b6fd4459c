import { EventType, STRING_REF, UNKNOWN_STRING, stringId, type eventWithTime } from 'openstory/vocabulary';
import { refuse, type Refusal } from '../refusal';

/**
 * The string table on the collector's side (docs/protocol.md, "String table"). A bundle's
 * definitions are stored as the first event of the bundle, a Custom event with this tag, so the
 * table lives in the event stream and every storage keeps it with no change; what is served to
 * a player is expanded by expandReferences and never holds a reference or a definition.
 */
export const STRINGS_TAG = 'openstory:strings';

/** Definitions in one bundle: each is hashed once on arrival, so this bounds the work one body buys. */
const MAX_DEFINITIONS = 10_000;
/** Ids as protocol.ts's stringId writes them: two base-36 numbers of 32 bits. */
const STRING_ID = /^[0-9a-z]{1,7}\.[0-9a-z]{1,7}$/;

export type StringTable = ReadonlyMap<string, string>;

const isCustom = (event: eventWithTime) => event.type === EventType.Custom;
const isDefinitions = (event: eventWithTime) => isCustom(event) && (event.data as { tag?: unknown }).tag === STRINGS_TAG;

/** The envelope's `strings`: an object of id → text whose ids are the texts' own (content-addressed). */
export function validateStrings(value: unknown): Record<string, string> | undefined | Refusal {
  if (value === undefined) return undefined;
  const bad = (message: string) => refuse(400, 'bad-schema', `strings: ${message}`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('must be an object');
  const entries = Object.entries(value);
  if (entries.length > MAX_DEFINITIONS) return bad(`at most ${MAX_DEFINITIONS} definitions`);
  for (const [id, text] of entries) {
    if (!STRING_ID.test(id) || typeof text !== 'string' || stringId(text) !== id) return bad(`${id.slice(0, 20)} is not the id of its text`);
  }
  return value as Record<string, string>;
}

/** Visits every string value in the events that carry references (all but Custom events), depth first. */
function mapStrings(value: unknown, map: (text: string) => string): unknown {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = mapStrings(item, map);
  return out;
}

/** The ids the events reference and `strings` does not define (a doubled STRING_REF is an escaped string, not a reference). */
export function undefinedReferences(events: readonly eventWithTime[], strings: Record<string, string> | undefined): string[] {
  const ids = new Set<string>();
  const visit = (text: string) => {
    if (text[0] === STRING_REF && text[1] !== STRING_REF && !(strings && Object.hasOwn(strings, text.slice(1)))) ids.add(text.slice(1));
    return text;
  };
  for (const event of events) if (!isCustom(event)) mapStrings(event.data, visit);
  return [...ids];
}

/**
 * The bundle's events as stored: its definitions first, as a Custom event at the time of its
 * first event. Refused when it references strings (`missing`) that neither it nor the session's
 * stored bundles define, or when it carries a Custom event with the reserved tag itself.
 */
export function withDefinitions(
  events: readonly eventWithTime[],
  strings: Record<string, string> | undefined,
  missing: readonly string[],
  sentAt: number,
): eventWithTime[] | Refusal {
  if (events.some(isDefinitions)) return refuse(400, 'bad-schema', `the tag ${STRINGS_TAG} is the collector's`);
  if (missing.length > 0) return refuse(400, UNKNOWN_STRING, `no definition of the string ${missing[0]} in this session: send it with the bundle`);
  if (!strings) return [...events];
  const definitions = { type: EventType.Custom, data: { tag: STRINGS_TAG, payload: strings }, timestamp: events[0]?.timestamp ?? sentAt };
  return [definitions as eventWithTime, ...events];
}

/** Adds the definitions stored in `events` to `table`. */
export function collectDefinitions(events: readonly eventWithTime[], table: Map<string, string>): void {
  for (const event of events) {
    if (!isDefinitions(event)) continue;
    for (const [id, text] of Object.entries((event.data as { payload: Record<string, string> }).payload)) table.set(id, text);
  }
}

/**
 * Stored events as plain rrweb events: definitions removed, every reference replaced by its text
 * and escaped strings restored. A reference the table lacks (its session's data was deleted
 * while a page still sent) becomes an empty string, never a reference.
 */
export function expandReferences(events: readonly eventWithTime[], table: StringTable): eventWithTime[] {
  const expand = (text: string) => {
    if (text[0] !== STRING_REF) return text;
    return text[1] === STRING_REF ? text.slice(1) : table.get(text.slice(1)) ?? '';
  };
  return events.filter((event) => !isDefinitions(event)).map((event) => (isCustom(event) ? event : (mapStrings(event, expand) as eventWithTime)));
}
