import { STRING_REF, type eventWithTime } from 'openstory/vocabulary';
import type { Storage, StoredBundle } from '../storage/types';
import { collectDefinitions, expandReferences, STRINGS_TAG } from './references';

/**
 * Sessions whose defined ids the collector keeps in memory. Past it the cache starts over and a
 * session's ids are read back from its stored events once more (one read per session, then hits).
 */
const KNOWN_SESSIONS = 10_000;

/** A stored bundle holds definitions or references only if its text has one of these (STRING_REF raw, or escaped by a store's JSON writer). */
const mayHoldDefinitions = (text: string) => text.includes(`"${STRINGS_TAG}"`);
const mayHoldStrings = (text: string) => mayHoldDefinitions(text) || text.includes(STRING_REF) || /\\ue000/i.test(text);

async function sessionTable(storage: Storage, orgId: string, userId: string, sessionId: string): Promise<Map<string, string>> {
  const table = new Map<string, string>();
  for await (const { events } of storage.sessionEvents(orgId, userId, sessionId)) {
    if (mayHoldDefinitions(events)) collectDefinitions(JSON.parse(events) as eventWithTime[], table);
  }
  return table;
}

/** Which ids a session's stored bundles define, for the ingest check (withDefinitions' `known`). */
export interface KnownStrings {
  /** The session's ids, read from storage when the cache lacks one of `wanted`. */
  lookup(orgId: string, userId: string, sessionId: string, wanted: Iterable<string>): Promise<(id: string) => boolean>;
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
    async lookup(orgId, userId, sessionId, wanted) {
      const cached = sessions.get(keyOf(orgId, userId, sessionId));
      if (cached && [...wanted].every((id) => cached.has(id))) return (id) => cached.has(id);
      const stored = await sessionTable(storage, orgId, userId, sessionId);
      remember(orgId, userId, sessionId, stored.keys());
      return (id) => stored.has(id);
    },
    remember,
  };
}

/**
 * The storage as the viewer reads it: sessionEvents (whole or paged) gives each bundle with its
 * references expanded. Each read first gathers the session's definitions (one pass over its
 * stored bundles, parsing only those that hold some), since a page may reference what a page
 * stored later in the session's order defined (pages are in start order, and tabs interleave).
 */
export function expandingStorage(storage: Storage): Storage {
  async function* sessionEvents(...[orgId, userId, sessionId, after]: Parameters<Storage['sessionEvents']>): AsyncIterable<StoredBundle> {
    const table = await sessionTable(storage, orgId, userId, sessionId);
    for await (const bundle of storage.sessionEvents(orgId, userId, sessionId, after)) {
      yield mayHoldStrings(bundle.events) ? { ...bundle, events: JSON.stringify(expandReferences(JSON.parse(bundle.events) as eventWithTime[], table)) } : bundle;
    }
  }
  return { ...storage, sessionEvents };
}
