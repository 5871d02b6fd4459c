import { STRING_REF, type eventWithTime } from 'openstory/vocabulary';
import type { Storage } from '../storage/types';
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
  for await (const text of storage.sessionEvents(orgId, userId, sessionId)) {
    if (mayHoldDefinitions(text)) collectDefinitions(JSON.parse(text) as eventWithTime[], table);
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
 * The session's events as storage.sessionEvents gives them (one JSON array text per bundle), with
 * references expanded: a first pass gathers the definitions, since a page may reference what a
 * page stored later in this order defined (pages are in start order, and tabs interleave).
 */
export async function* expandedSessionEvents(storage: Storage, orgId: string, userId: string, sessionId: string): AsyncIterable<string> {
  const table = await sessionTable(storage, orgId, userId, sessionId);
  for await (const text of storage.sessionEvents(orgId, userId, sessionId)) {
    yield mayHoldStrings(text) ? JSON.stringify(expandReferences(JSON.parse(text) as eventWithTime[], table)) : text;
  }
}
