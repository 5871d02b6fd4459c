import { EventType, STRING_REF, stringId, type eventWithTime } from 'openstory/vocabulary';
import { refuse, type Refusal } from '../refusal';

/**
 * The string table on the collector's side (docs/protocol.md, "String table"): definitions are
 * checked here (in a decode worker), stored for their session beside the bundle (the storage's
 * `strings` table), and the events keep their references; what is served to a player is expanded
 * by expandReferences and never holds a reference.
 */

/** Definitions in one bundle: each is hashed once on arrival, so this bounds the work one body buys. */
const MAX_DEFINITIONS = 10_000;
/** Ids as protocol.ts's stringId writes them: two base-36 numbers of 32 bits. */
const STRING_ID = /^[0-9a-z]{1,7}\.[0-9a-z]{1,7}$/;

export type StringTable = ReadonlyMap<string, string>;

const isCustom = (event: eventWithTime) => event.type === EventType.Custom;

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

/** The ids the events reference (Custom events carry none; a doubled STRING_REF is an escaped string, not a reference). */
export function referencedIds(events: readonly eventWithTime[]): string[] {
  const ids = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      if (value[0] === STRING_REF && value[1] !== STRING_REF) ids.add(value.slice(1));
    } else if (Array.isArray(value)) {
      for (const item of value) visit(item);
    } else if (typeof value === 'object' && value !== null) {
      for (const key in value) visit((value as Record<string, unknown>)[key]);
    }
  };
  for (const event of events) if (!isCustom(event)) visit(event.data);
  return [...ids];
}

/**
 * Whether JSON text (a received body, or a stored bundle's events) may hold a reference at all:
 * STRING_REF raw, as the SDK writes it, or escaped (JSON's \u escape takes either case of hex
 * digit). Most bundles hold none, and then no event is parsed or walked for references.
 */
export const mayReference = (json: Buffer | string): boolean =>
  json.includes(STRING_REF) || json.includes('\\ue000') || json.includes('\\uE000');

/** The ids the events reference and `strings` does not define: what the session's stored definitions must hold. */
export const undefinedReferences = (events: readonly eventWithTime[], strings: Record<string, string> | undefined): string[] =>
  referencedIds(events).filter((id) => !(strings && Object.hasOwn(strings, id)));

/**
 * Stored events as plain rrweb events: every reference replaced by its text and escaped strings
 * restored. A reference the table lacks (its session's data was deleted
 * while a page still sent) becomes an empty string, never a reference.
 */
export function expandReferences(events: readonly eventWithTime[], table: StringTable): eventWithTime[] {
  const expand = (text: string) => {
    if (text[0] !== STRING_REF) return text;
    return text[1] === STRING_REF ? text.slice(1) : table.get(text.slice(1)) ?? '';
  };
  return events.map((event) => (isCustom(event) ? event : (mapStrings(event, expand) as eventWithTime)));
}
