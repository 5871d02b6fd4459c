import type { ClickHouseClient } from '@clickhouse/client';
import { applyBundle, byArrival, snapshotOf, stubPage, type BundleMeta } from './clickhouse-fold';
import { selectRows, tuplesIn } from './clickhouse-sql';
import type { Outcome } from './group-commit';
import type { BatchChanges, IngestResult } from './types';
import { eventsText } from '../ingest/encode';

/** The bundle columns ingest reads back to decide duplicates, owners, caps and fact snapshots. */
export const META_COLUMNS = 'org_id, page_id, seq, user_id, session_id, received_at, first_seen, clock_offset, page, page_state, identities, user_vars, bytes';
/** Counts each stored bundle once until ReplacingMergeTree has merged its copies. */
export const ONCE = 'LIMIT 1 BY org_id, page_id, seq';

type Stored = BundleMeta & { bytes: number };
const key = (...parts: Array<string | number>) => JSON.stringify(parts);

/**
 * Writes one group of bundles with one INSERT. What the group's bundles need from storage (the
 * pages' bundles so far and their sessions' usage) is read first, then each bundle is checked and
 * derived in order as sqlite-ingest does it, counting the bundles of the group before it. Writes
 * are serialized by the caller, so within one collector nothing is stored between read and insert;
 * two collectors on one page can still race the owner and cap checks (docs/collector.md), never
 * the dedup, which the table itself holds.
 */
export async function writeGroup(client: ClickHouseClient, group: BatchChanges[]): Promise<Array<Outcome<IngestResult>>> {
  const pageKeys = [...new Map(group.map((c) => [key(c.orgId, c.pageId), [c.orgId, c.pageId]])).values()];
  const sessionKeys = [...new Map(group.map((c) => [key(c.orgId, c.userId, c.sessionId), [c.orgId, c.userId, c.sessionId]])).values()];
  const stored = await selectRows<Stored>(client, `SELECT ${META_COLUMNS} FROM bundles WHERE ${tuplesIn(['org_id', 'page_id'], pageKeys)} ${ONCE}`);
  const usageRows = await selectRows<{ org_id: string; user_id: string; session_id: string; bundles: number; bytes: number }>(
    client,
    `SELECT org_id, user_id, session_id, count() AS bundles, sum(bytes) AS bytes FROM
      (SELECT org_id, page_id, seq, user_id, session_id, bytes FROM bundles WHERE ${tuplesIn(['org_id', 'user_id', 'session_id'], sessionKeys)} ${ONCE})
      GROUP BY org_id, user_id, session_id`,
  );

  const pages = new Map<string, Stored[]>();
  for (const row of stored) pages.set(key(row.org_id, row.page_id), [...(pages.get(key(row.org_id, row.page_id)) ?? []), row]);
  const usage = new Map(usageRows.map((row) => [key(row.org_id, row.user_id, row.session_id), { bundles: row.bundles, bytes: row.bytes }]));

  const inserts: Array<Record<string, unknown>> = [];
  const outcomes = group.map((changes): Outcome<IngestResult> => {
    const { orgId, userId, sessionId, pageId, seq, sessionCap } = changes;
    const pageBundles = (pages.get(key(orgId, pageId)) ?? []).sort(byArrival);
    const owner = pageBundles[0];
    if (owner && (owner.user_id !== userId || owner.session_id !== sessionId)) return { value: { duplicate: false, refused: 'page-owned-elsewhere' } };
    const text = eventsText(changes.events.deflated);
    const used = usage.get(key(orgId, userId, sessionId));
    if (sessionCap && used && (used.bundles >= sessionCap.bundles || used.bytes + text.length > sessionCap.bytes)) {
      return { value: { duplicate: false, refused: 'session-full' } };
    }
    if (pageBundles.some((bundle) => bundle.seq === seq)) return { value: { duplicate: true } };

    const meta: Stored = {
      org_id: orgId, page_id: pageId, seq, user_id: userId, session_id: sessionId, received_at: changes.receivedAt,
      first_seen: changes.firstSeen, clock_offset: changes.clockOffset ?? null, page: changes.page ? JSON.stringify(changes.page) : '',
      page_state: JSON.stringify(changes.pageState), identities: JSON.stringify(changes.identities),
      user_vars: changes.userVars ? JSON.stringify(changes.userVars) : '', bytes: text.length,
    };
    // The page as it stands before this bundle's state, after its metadata: what sqlite-ingest snapshots.
    const page = stubPage(pageBundles[0] ?? meta);
    for (const bundle of pageBundles) applyBundle(page, bundle);
    applyBundle(page, { ...meta, page_state: '' });
    const before = snapshotOf(page);
    const facts = changes.facts;
    inserts.push({
      ...meta, page_start: changes.page?.start ?? null, last_seen: changes.lastSeen, event_count: changes.events.count, events: text,
      n_events: changes.session.events, rage_clicks: changes.session.rageClicks, dead_clicks: changes.session.deadClicks,
      error_clicks: changes.session.errorClicks, errors: changes.session.errors,
      fact_idx: facts.map((fact) => fact.index), fact_ts: facts.map((fact) => fact.timestamp), fact_tag: facts.map((fact) => fact.tag),
      fact_payload: facts.map((fact) => JSON.stringify(fact.payload)),
      fact_page_url: facts.map((fact) => fact.pageUrl ?? before.page_url),
      fact_num_infos: facts.map((fact) => fact.numInfos ?? before.num_infos),
      fact_num_warnings: facts.map((fact) => fact.numWarnings ?? before.num_warnings),
      fact_num_errors: facts.map((fact) => fact.numErrors ?? before.num_errors),
      fact_is_row: facts.map((fact) => (fact.row ? 1 : 0)),
      string_ids: Object.keys(changes.strings ?? {}),
      string_texts: Object.values(changes.strings ?? {}),
    });
    pages.set(key(orgId, pageId), [...pageBundles, meta]);
    usage.set(key(orgId, userId, sessionId), { bundles: (used?.bundles ?? 0) + 1, bytes: (used?.bytes ?? 0) + text.length });
    return { value: { duplicate: false } };
  });

  // One block, so the group is stored whole or not at all; the promises settle after the answer.
  if (inserts.length > 0) await client.insert({ table: 'bundles', values: inserts, format: 'JSONEachRow' });
  return outcomes;
}
