import { foldFacts } from '../facts';
import type { BatchChanges, IngestBatch } from '../storage/types';

/**
 * What a bundle changes, as plain data for any storage backend: its activity bounds, the page state
 * and facts its facts set, the users it identifies and their vars, the session counters it adds.
 * Nothing here reads stored state; where a value depends on it, BatchChanges names the merge.
 */
export function deriveChanges(batch: IngestBatch): BatchChanges {
  const { facts, ...envelope } = batch;
  const { page, events, receivedAt, pageId, seq } = batch;
  // Client clocks are not trusted beyond the arrival time: a future timestamp must not defeat retention.
  let firstSeen = Math.min(page?.start ?? receivedAt, receivedAt);
  let lastSeen = 0;
  for (const timestamp of events.timestamps) {
    if (timestamp > receivedAt) continue;
    firstSeen = Math.min(firstSeen, timestamp);
    lastSeen = Math.max(lastSeen, timestamp);
  }
  if (lastSeen === 0) lastSeen = receivedAt;

  const folded = foldFacts(facts, pageId, seq);
  const { identities, email, displayName, vars } = folded.user;
  const setsUser = email !== undefined || displayName !== undefined || Object.keys(vars).length > 0;
  return {
    ...envelope,
    firstSeen,
    lastSeen,
    pageState: folded.page,
    facts: folded.stored,
    identities: [...identities],
    ...(setsUser ? { userVars: { email, displayName, vars } } : {}),
    session: { events: events.count, ...folded.counts },
  };
}
