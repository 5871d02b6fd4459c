import { STRING_REF, stringId, type BundleEnvelope } from '../protocol';

/**
 * Strings at least this long travel as references to the session's string table: the large
 * repeats are stylesheet text, which every page load of a site sends again. Measured here
 * (bench/transport.ts, multi-page session, bytes against rrweb's in the same run): 0.48x with 64,
 * 0.49x with 256, 0.51x with 1024, separate runs on a loaded machine. 256 keeps the many short
 * strings, which gzip already shortens within a bundle, out of the page's table.
 */
export const MIN_REFERENCED_CHARS = 256;

/** Ids the collector acknowledged, kept per session across page loads; more is forgotten oldest first. */
const MAX_ACKNOWLEDGED = 512;

/**
 * Texts the page keeps to define or re-define: past this many characters, long strings are sent
 * inline instead of as references (a page that generates text without end never grows the table).
 */
const MAX_TABLE_CHARS = 8 * 1024 * 1024;

/** Followed by the collector's host and the org: one entry per collector, holding the current session's ids. */
const ACKNOWLEDGED_KEY = 'openstory:strings:';

const REFERENCE = new RegExp(`"${STRING_REF}([0-9a-z.]+)"`, 'g');

export interface StringTable {
  /** JSON.stringify's replacer: long strings become references, a string starting with STRING_REF is escaped. */
  replace(key: string, value: unknown): unknown;
  /**
   * The ids referenced in serialized events (a doubled STRING_REF never matches: ids are
   * [0-9a-z.]), and definitions for those the collector has not acknowledged in `sessionId`, or
   * for all of them (`all`, after an unknown-string refusal): undefined when there is nothing to
   * define, null when a text is not in this page's table (an earlier page's bundle).
   */
  define(events: readonly string[], sessionId: string, all?: boolean): [string[], Record<string, string> | undefined | null];
  /**
   * The collector stored a bundle with these references: they are known to it from now on, in
   * the session of the last define (a session that ended in between costs one unknown-string refusal).
   */
  acknowledge(ids: readonly string[]): void;
  /** The collector lost what it had (an unknown-string refusal): everything is defined again. */
  forget(): void;
}

/**
 * The SDK's half of the string table (docs/protocol.md, "String table"): a bundle defines every
 * string it references that the collector has not acknowledged, so the collector can always
 * expand a bundle whatever arrives first, is retried, split or adopted by the next page load.
 * The acknowledged ids live in localStorage, so the next page of the session references the
 * stylesheet text an earlier page sent.
 */
export function createStringTable(win: Window, scope: string, minChars: number): StringTable {
  /** Both ways: text → id and id → text (an id has a dot and under 16 characters, a text at least minChars). */
  const table = new Map<string, string>();
  const key = ACKNOWLEDGED_KEY + scope;
  let chars = 0;
  let session = '';
  let known = new Set<string>();
  /** Reads the saved ids, or saves them; blocked or full storage only means the next page defines again. */
  const saved = (ids?: string): string => {
    try {
      if (ids === undefined) return win.localStorage.getItem(key) ?? '';
      win.localStorage.setItem(key, ids);
    } catch {
      // Blocked (sandboxed frame, cookies off) or full.
    }
    return '';
  };
  const save = () => saved([session, ...[...known].slice(-MAX_ACKNOWLEDGED)].join(' '));

  return {
    replace(_key, value) {
      if (typeof value !== 'string') return value;
      if (value[0] === STRING_REF) return STRING_REF + value;
      if (value.length < minChars) return value;
      let id = table.get(value);
      if (id === undefined) {
        if (chars + value.length > MAX_TABLE_CHARS) return value;
        id = stringId(value);
        table.set(value, id).set(id, value);
        chars += value.length;
      }
      return STRING_REF + id;
    },
    define(events, sessionId, all) {
      if (session !== sessionId) {
        const ids = saved().split(' ');
        session = sessionId;
        known = new Set(ids[0] === sessionId ? ids.slice(1) : []);
      }
      const ids = [...new Set(events.flatMap((event) => [...event.matchAll(REFERENCE)].map((match) => match[1])))];
      let defined: Record<string, string> | undefined;
      for (const id of ids) {
        if (!all && known.has(id)) continue;
        const text = table.get(id);
        if (text === undefined) return [ids, null];
        (defined ??= {})[id] = text;
      }
      return [ids, defined];
    },
    acknowledge(ids) {
      if (ids.length === 0) return;
      for (const id of ids) known.add(id);
      save();
    },
    forget() {
      known = new Set();
      save();
    },
  };
}

/**
 * The envelope of a piece of a bundle (a 413 half, a swan-song piece): only the definitions its
 * own events reference, so pieces do not each carry the whole bundle's stylesheet text.
 */
export function pieceEnvelope(envelope: BundleEnvelope, events: readonly string[]): BundleEnvelope {
  const { strings, ...rest } = envelope;
  const text = events.join();
  const kept = Object.entries(strings ?? {}).filter(([id]) => text.includes(`"${STRING_REF}${id}"`));
  return kept.length > 0 ? { ...rest, strings: Object.fromEntries(kept) } : rest;
}
