import { STRING_REF } from 'openstory/vocabulary';
import type { Storage, StoredBundle } from '../storage/types';
import { expandReferences, referencedIds } from './references';

/**
 * Sessions whose defined ids the collector keeps in memory for the ingest check; past it the
 * cache starts over, and a session's next reference costs one storage read of the ids it names.
 */
const KNOWN_SESSIONS = 10_000;

/** Which referenced ids a session's stored bundles define, for the ingest check (docs/protocol.md, "String table"). */
export interface KnownStrings {
  /** Of `wanted`, the ids the session has no definition of: the cache first, then one storage read of the rest. */
  missing(orgId: string, userId: string, sessionId: string, wanted: readonly string[]): Promise<string[]>;
  /** A bundle defining `ids` was committed. */
  remember(orgId: string, userId: string, sessionId: string, ids: Iterable<string>): void;
}

export function createKnownStrings(storage: Storage): KnownStrings {
  const sessions = new Map<string, Set<string>>();
  const keyOf = (...parts: string[]) => parts.join('\n');
  const remember: KnownStrings['remember'] = (orgId, userId, sessionId, ids) => {
    const key = keyOf(orgId, userId, sessionId);
    if (!sessions.has(key) && sessions.size >= KNOWN_SESSIONS) sessions.clear();
    const known = sessions.get(key) ?? new Set<string>();
    for (const id of ids) known.add(id);
    sessions.set(key, known);
  };
  return {
    async missing(orgId, userId, sessionId, wanted) {
      const cached = sessions.get(keyOf(orgId, userId, sessionId));
      const unknown = wanted.filter((id) => !cached?.has(id));
      if (unknown.length === 0) return [];
      const stored = await storage.sessionStrings(orgId, userId, sessionId, unknown);
      remember(orgId, userId, sessionId, stored.keys());
      return unknown.filter((id) => !stored.has(id));
    },
    remember,
  };
}

/** A stored bundle may hold references only if its text has STRING_REF, raw or escaped by a store's JSON writer. */
const mayHoldStrings = (text: string) => text.includes(STRING_REF) || /\\ue000/i.test(text);

/**
 * The storage as the viewer reads it: sessionEvents (whole or paged) gives each bundle with its
 * references expanded. The texts come from the session's string table, read for the ids each
 * bundle names that this read has not met yet: most bundles name none, a page's stylesheet text
 * is read once per request.
 */
export function expandingStorage(storage: Storage): Storage {
  async function* sessionEvents(...[orgId, userId, sessionId, after]: Parameters<Storage['sessionEvents']>): AsyncIterable<StoredBundle> {
    const table = new Map<string, string>();
    for await (const bundle of storage.sessionEvents(orgId, userId, sessionId, after)) {
      if (!mayHoldStrings(bundle.events)) {
        yield bundle;
        continue;
      }
      const events = JSON.parse(bundle.events);
      const unread = referencedIds(events).filter((id) => !table.has(id));
      if (unread.length > 0) for (const [id, text] of await storage.sessionStrings(orgId, userId, sessionId, unread)) table.set(id, text);
      yield { ...bundle, events: JSON.stringify(expandReferences(events, table)) };
    }
  }
  return { ...storage, sessionEvents };
}
