import type { eventWithTime } from 'openstory/vocabulary';
import type { Storage, StoredBundle } from '../storage/types';
import { expandReferences, mayReference, referencedIds } from './references';

/**
 * Ids the ingest check keeps in memory, over all sessions: past it the cache starts over, and a
 * session's next reference costs one storage read of the ids it names. Counted in ids, not
 * sessions, since one session may define up to MAX_DEFINITIONS ids a bundle (references.ts) in
 * every bundle of its cap; an id is at most 15 characters, so this is a few tens of MB at most.
 */
export const KNOWN_IDS = 200_000;

/** Which referenced ids a session's stored bundles define, for the ingest check (docs/protocol.md, "String table"). */
export interface KnownStrings {
  /** Of `wanted`, the ids the session has no definition of: the cache first, then one storage read of the rest. */
  missing(orgId: string, userId: string, sessionId: string, wanted: readonly string[]): Promise<string[]>;
  /** A bundle defining `ids` was committed. */
  remember(orgId: string, userId: string, sessionId: string, ids: Iterable<string>): void;
  /** Data was deleted: nothing known is trusted any more, storage answers the next lookups. */
  forget(): void;
}

export function createKnownStrings(storage: Storage): KnownStrings {
  const sessions = new Map<string, Set<string>>();
  let size = 0;
  const keyOf = (...parts: string[]) => parts.join('\n');
  const forget = () => {
    sessions.clear();
    size = 0;
  };
  const remember: KnownStrings['remember'] = (orgId, userId, sessionId, ids) => {
    const key = keyOf(orgId, userId, sessionId);
    for (const id of ids) {
      if (sessions.get(key)?.has(id)) continue;
      if (size >= KNOWN_IDS) forget();
      const known = sessions.get(key) ?? new Set<string>();
      sessions.set(key, known.add(id));
      size++;
    }
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
    forget,
  };
}

/**
 * The storage whose deletions (a user's, retention's) make `known` forget: a page still open
 * when its user's data was deleted then references strings the collector no longer holds, is
 * refused unknown-string and defines them again (docs/protocol.md, "String table"), instead of
 * storing references that expand to nothing.
 */
export function forgettingOnDelete(storage: Storage, known: KnownStrings): Storage {
  const forgetting = <Args extends unknown[], Result>(remove: (...args: Args) => Promise<Result>) => async (...args: Args) => {
    try {
      return await remove(...args);
    } finally {
      known.forget();
    }
  };
  return { ...storage, deleteUser: forgetting(storage.deleteUser), deleteSessionsBefore: forgetting(storage.deleteSessionsBefore) };
}

/**
 * Bundles expanded together when events.json streams a whole session: one read of the string
 * table per EXPAND_BATCH_CHARS of their stored text, the size of the replay page's pages
 * (viewer/client/feed.ts PAGE_BYTES), so a whole read costs the table reads a paged one does;
 * EXPAND_BATCH_BUNDLES bounds the bundles held when they are small.
 */
const EXPAND_BATCH_CHARS = 1024 * 1024;
const EXPAND_BATCH_BUNDLES = 256;

export interface SessionKey {
  orgId: string;
  userId: string;
  sessionId: string;
}

/**
 * `bundles` as plain rrweb events: one storage read of the ids they reference that `table` lacks
 * (a request passes its table on, so a page's stylesheet text is read once per request), then
 * each bundle that holds a marker expanded.
 */
export async function expandBundles(storage: Storage, session: SessionKey, bundles: readonly StoredBundle[], table = new Map<string, string>()): Promise<StoredBundle[]> {
  const parsed = bundles.map((bundle) => (mayReference(bundle.events) ? (JSON.parse(bundle.events) as eventWithTime[]) : null));
  const unread = new Set(parsed.flatMap((events) => (events ? referencedIds(events) : [])).filter((id) => !table.has(id)));
  if (unread.size > 0) for (const [id, text] of await storage.sessionStrings(session.orgId, session.userId, session.sessionId, [...unread])) table.set(id, text);
  return bundles.map((bundle, index) => {
    const events = parsed[index];
    return events ? { ...bundle, events: JSON.stringify(expandReferences(events, table)) } : bundle;
  });
}

/** A whole session's events as plain rrweb events, read and expanded a batch of bundles at a time. */
export async function* expandedSessionEvents(storage: Storage, session: SessionKey): AsyncIterable<StoredBundle> {
  const table = new Map<string, string>();
  let batch: StoredBundle[] = [];
  let chars = 0;
  for await (const bundle of storage.sessionEvents(session.orgId, session.userId, session.sessionId)) {
    batch.push(bundle);
    chars += bundle.events.length;
    if (batch.length < EXPAND_BATCH_BUNDLES && chars < EXPAND_BATCH_CHARS) continue;
    yield* await expandBundles(storage, session, batch, table);
    batch = [];
    chars = 0;
  }
  yield* await expandBundles(storage, session, batch, table);
}
