import { expect, test } from 'vitest';
import { createClient } from '@clickhouse/client';
import { openClickHouseStorage } from '../../src/storage/clickhouse';
import { T0 } from '../fixtures';
import { useClickHouseServer } from './backends';

/**
 * A rage burst counts once (issue 18): the click whose EventModFrustrated is 1. Bundle rows stored
 * before that rule carry a rage_clicks counter of every click of the burst; ClickHouse counts rage
 * bursts from the stored facts when it reads, so such a row counts the burst once too.
 */
const server = useClickHouseServer('the ClickHouse rage recount test');

test.runIf(server)('a rage burst stored before the rule (rage_clicks 3) counts once in the list, the session and the search', async () => {
  const url = `clickhouse://default@${server!().url.replace('http://', '')}/rage`;
  const storage = await openClickHouseStorage(url);
  const client = createClient({ url: server!().url });
  const clicks = [1, 2, 3].map((n) => JSON.stringify({ EventTargetText: 'Pay', EventTargetSelectorTok: 'html body button', EventModFrustrated: n, EventModDead: 0, EventModError: 0 }));
  // The row as ingest wrote it then: its own counter said 3; the other columns take their defaults.
  await client.insert({
    table: 'rage.bundles', format: 'JSONEachRow',
    values: [{
      org_id: 'o-demo', page_id: 'p-1', seq: 0, user_id: 'u-alice', session_id: 's-1', received_at: T0 + 2000, first_seen: T0, last_seen: T0 + 1200,
      identities: '[]', n_events: 3, rage_clicks: 3, fact_idx: [0, 1, 2], fact_ts: [T0 + 1000, T0 + 1100, T0 + 1200], fact_tag: ['click', 'click', 'click'],
      fact_payload: clicks, fact_page_url: ['', '', ''], fact_num_infos: [0, 0, 0], fact_num_warnings: [0, 0, 0], fact_num_errors: [0, 0, 0], fact_is_row: [1, 1, 1],
    }],
  });
  const [listed] = await storage.listSessions({ orgId: 'o-demo', limit: 10 });
  expect(listed.rageClicks).toBe(1);
  expect((await storage.getSession('o-demo', 'u-alice', 's-1'))?.rageClicks).toBe(1);
  const found = await storage.searchSessions({ orgId: 'o-demo', order: 'frustration', frustrations: ['rage'], limit: 10 });
  expect(found.sessions.map((session) => [session.userId, session.rageClicks])).toEqual([['u-alice', 1]]);
  await client.close();
  await storage.close();
});
