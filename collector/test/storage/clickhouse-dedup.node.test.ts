import { expect, test } from 'vitest';
import { createClient } from '@clickhouse/client';
import { openClickHouseStorage } from '../../src/storage/clickhouse';
import { deriveChanges } from '../../src/ingest/derive';
import { storedEvents } from '../../src/ingest/encode';
import type { eventWithTime } from 'openstory/vocabulary';
import { factAt, recordingStart, sessionEvents, T0 } from '../fixtures';
import { useClickHouseServer } from './backends';

/**
 * The dedup that the per-collector duplicate check cannot give: two collectors (two storages on one
 * database) store the same bundles at the same moment, both acknowledge, and every read still
 * counts each bundle once, and the table's merge keeps one row per bundle.
 */
const server = useClickHouseServer('the two-collector dedup test');

test.runIf(server)('two collectors racing on the same bundles: acknowledged twice, counted once', async () => {
  const url = `clickhouse://default@${server!().url.replace('http://', '')}/race`;
  const [first, second] = [await openClickHouseStorage(url), await openClickHouseStorage(url)];
  const click = factAt('click', { EventTargetText: 'Pay', EventTargetSelectorTok: 'html body button', EventModFrustrated: 1, EventModDead: 0, EventModError: 0 }, T0 + 50);
  const batch = (seq: number) => {
    const events = [...recordingStart(), click] as eventWithTime[];
    return deriveChanges({ orgId: 'o-demo', userId: 'u-alice', sessionId: 's-1', pageId: 'p-1', seq, receivedAt: T0 + 1000, ...storedEvents(events) });
  };
  for (let seq = 0; seq < 5; seq++) await Promise.all([first.ingest(batch(seq)), second.ingest(batch(seq))]);

  const counted = async () => {
    const [session] = await first.listSessions({ limit: 10 });
    const records = [];
    for await (const record of first.exportRecords('o-demo', 0, T0 + 10_000)) records.push(record);
    return { sessionEvents: session.events, rageClicks: session.rageClicks, events: (await sessionEvents(first, 'o-demo', 'u-alice', 's-1')).length, rows: records.length, numEvents: records[0].page.numEvents };
  };
  // Every bundle's click starts a rage burst of its own (EventModFrustrated 1).
  const once = { sessionEvents: 15, rageClicks: 5, events: 15, rows: 5, numEvents: 5 };
  expect(await counted()).toEqual(once);
  const client = createClient({ url: server!().url });
  const rows = async (final: string) =>
    Number((await (await client.query({ query: `SELECT count() AS n FROM race.bundles ${final}`, format: 'JSONEachRow' })).json<{ n: string }>())[0].n);
  // The race may or may not have stored second copies (it depends on timing); a third collector's
  // copy of every row, stored for certain, is counted once too.
  await client.command({ query: 'INSERT INTO race.bundles SELECT * FROM race.bundles' });
  expect(await rows('')).toBeGreaterThanOrEqual(10);
  expect(await counted()).toEqual(once);
  // What the engine's merge keeps (FINAL applies it at read time, as the background merge will on disk).
  expect(await rows('FINAL')).toBe(5);
  await client.close();
  await Promise.all([first.close(), second.close()]);
});
