import type { ExportRecord, SessionFilters, Storage, UserSummary } from '../storage/types';

/** Sessions read per search page while collecting a segment's members (bounds one storage answer). */
const MEMBERS_PAGE = 1000;

/** The sessions and users of a saved segment, collected once per export through the storage search. */
export async function segmentMembers(storage: Storage, orgId: string, filters: SessionFilters) {
  const sessions = new Set<string>();
  const users = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await storage.searchSessions({ ...filters, orgId, order: 'time', limit: MEMBERS_PAGE, cursor });
    for (const session of page.sessions) {
      sessions.add(`${session.userId} ${session.sessionId}`);
      users.add(session.userId);
    }
    cursor = page.next;
  } while (cursor);
  return { sessions, users };
}

/** The records of the segment's sessions. */
export async function* recordsOf(members: Promise<{ sessions: Set<string> }>, records: AsyncIterable<ExportRecord>): AsyncIterable<ExportRecord> {
  const { sessions } = await members;
  for await (const record of records) if (sessions.has(`${record.user.userId} ${record.sessionId}`)) yield record;
}

/** The users of the segment's sessions. */
export async function* usersOf(members: Promise<{ users: Set<string> }>, users: AsyncIterable<UserSummary>): AsyncIterable<UserSummary> {
  const { users: ids } = await members;
  for await (const user of users) if (ids.has(user.userId)) yield user;
}
