import type { ClickHouseClient } from '@clickhouse/client';
import { num, selectRows, str, tuplesIn } from './clickhouse-sql';
import type { DeletionCounts, Storage, UserSelector, UserSummary } from './types';

/**
 * Sessions per ALTER TABLE … DELETE: the statement lists them as literal tuples, and ClickHouse
 * refuses a query text over max_query_size (256 KiB by default, in 18.16 too).
 */
const SESSIONS_PER_MUTATION = 1000;
/** How long a deletion waits for its mutation to rewrite the parts before it fails. */
const MUTATION_DEADLINE_MS = 5 * 60_000;
const MUTATION_POLL_MS = 50;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
type Sessions = (where: string, having?: string) => string;
/**
 * Where deletions read and where they mutate: `client` reads (through the Distributed table on a
 * cluster); each of `servers` holds rows in its `table` (`bundles`, or `bundles_local` on a
 * cluster), which the mutation rewrites. 18.16 has no ON CLUSTER without ZooKeeper, and a
 * Distributed table takes no ALTER … DELETE, so each server gets the statement.
 */
interface MutationTarget {
  client: ClickHouseClient;
  servers: ClickHouseClient[];
  table: string;
}
interface SessionRow { user_id: string; session_id: string; pages: number; bundles: number }

/**
 * Deletion by mutation, the only DELETE 18.16 has: it rewrites every part that holds a matching
 * row, in the background. The call answers only once system.mutations of every server says every
 * mutation of the table is done, so the deleted rows are gone from disk, not just hidden (purged: true).
 */
export function deleteClickHouseRows(
  { client, servers, table }: MutationTarget,
  usersOf: (orgId: string, userIds: string[]) => Promise<Map<string, UserSummary>>,
  sessions: Sessions,
): Pick<Storage, 'deleteUser' | 'deleteSessionsBefore'> {
  async function waitForMutations(): Promise<void> {
    const deadline = Date.now() + MUTATION_DEADLINE_MS;
    const pending = async (server: ClickHouseClient) => (await selectRows<{ pending: number }>(server, `SELECT count() AS pending
      FROM system.mutations WHERE database = currentDatabase() AND table = ${str(table)} AND is_done = 0`))[0].pending;
    for (;;) {
      if ((await Promise.all(servers.map(pending))).every((count) => count === 0)) return;
      if (Date.now() > deadline) throw new Error(`ClickHouse deletion not finished after ${MUTATION_DEADLINE_MS} ms`);
      await pause(MUTATION_POLL_MS);
    }
  }

  /** Deletes the listed sessions' bundles, then counts and waits. */
  async function deleteSessions(orgId: string, rows: SessionRow[], counts: DeletionCounts): Promise<DeletionCounts> {
    for (let offset = 0; offset < rows.length; offset += SESSIONS_PER_MUTATION) {
      const chunk = rows.slice(offset, offset + SESSIONS_PER_MUTATION).map((row) => [row.user_id, row.session_id]);
      const query = `ALTER TABLE ${table} DELETE WHERE org_id = ${str(orgId)} AND ${tuplesIn(['user_id', 'session_id'], chunk)}`;
      await Promise.all(servers.map((server) => server.command({ query })));
    }
    await waitForMutations();
    counts.sessions += rows.length;
    counts.pages += rows.reduce((sum, row) => sum + row.pages, 0);
    counts.bundles += rows.reduce((sum, row) => sum + row.bundles, 0);
    return { ...counts, purged: true };
  }

  const zero = (): DeletionCounts => ({ users: 0, sessions: 0, pages: 0, bundles: 0 });

  return {
    async deleteUser(orgId, selector: UserSelector) {
      let userIds: string[];
      if ('userId' in selector) userIds = [selector.userId];
      else {
        // Candidates are the users named in some identification; the key they hold now decides.
        const rows = await selectRows<{ identities: string }>(client, `SELECT DISTINCT identities FROM bundles
          WHERE org_id = ${str(orgId)} AND position(identities, ${str(JSON.stringify(selector.userAppKey))}) > 0`);
        const named = rows.flatMap((row) => (JSON.parse(row.identities) as Array<[string, string | null]>).map(([userId]) => userId));
        const candidates = await usersOf(orgId, [...new Set(named)]);
        userIds = [...candidates.values()].filter((user) => user.userAppKey === selector.userAppKey).map((user) => user.userId);
      }
      if (userIds.length === 0) return zero();
      const rows = await selectRows<SessionRow>(client, sessions(`org_id = ${str(orgId)} AND user_id IN (${userIds.map(str).join(', ')})`));
      const counts = zero();
      counts.users = new Set(rows.map((row) => row.user_id)).size;
      return deleteSessions(orgId, rows, counts);
    },
    async deleteSessionsBefore(orgId, cutoff) {
      const rows = await selectRows<SessionRow>(client, sessions(`org_id = ${str(orgId)}`, `last < ${num(cutoff)}`));
      if (rows.length === 0) return zero();
      const users = [...new Set(rows.map((row) => row.user_id))];
      const counts = await deleteSessions(orgId, rows, zero());
      // A user whose last session went is deleted with it: nothing of theirs is left in any row.
      const left = await selectRows<{ user_id: string }>(client, `SELECT DISTINCT user_id FROM bundles
        WHERE org_id = ${str(orgId)} AND user_id IN (${users.map(str).join(', ')})`);
      counts.users = users.length - left.length;
      return counts;
    },
  };
}
