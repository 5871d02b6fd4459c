import { afterAll, expect, test } from 'vitest';
import { randomUUID } from 'node:crypto';
import { openClickHouseStorage } from '../../src/storage/clickhouse';
import { makeBundle, recordingStart, sessionEvents, startTestCollector, T0, type TestCollector } from '../fixtures';
import { useClickHouseServer } from './backends';

/**
 * A collector under load keeps its promises (issue 17, item 5): ClickHouse killed mid-ingest, the
 * bundles sent meanwhile answered 503 with Retry-After, never 200; once the server is back, the
 * same collector stores again by itself, and every bundle ever acknowledged is stored.
 */
const server = useClickHouseServer('the ClickHouse outage test');

/** Bundles in flight at once, as many pages' transports of busy clients. */
const CONCURRENCY = 8;
const BUNDLES = 160;
/** How many acknowledged bundles before the kill: the outage hits an ingest in full swing. */
const KILL_AFTER_ACKS = 40;

let collector: TestCollector;
// Runs before the server's own afterAll (hooks unwind in reverse): the collector closes first.
afterAll(() => collector?.dispose());

test.runIf(server)('ClickHouse killed mid-ingest: 503 + Retry-After meanwhile, recovery by itself, zero acknowledged bundles lost', async () => {
  const storage = await openClickHouseStorage(`clickhouse://default@${server!().url.replace('http://', '')}/t_${randomUUID().replace(/-/g, '')}`);
  collector = await startTestCollector({ storage });
  const bundle = (n: number) => makeBundle({ pageId: `p-${n % CONCURRENCY}`, seq: Math.floor(n / CONCURRENCY), events: recordingStart(`n${n}`, T0 + n) as never });
  const acknowledged = new Set<number>();
  const refusals: Array<{ status: number; retryAfter: string | null }> = [];
  let killed: Promise<void> | undefined;
  let restarted: Promise<void> | undefined;

  /** One page's transport: its bundles in order, each retried until acknowledged, as the SDK does. */
  async function transport(lane: number) {
    for (let n = lane; n < BUNDLES; n += CONCURRENCY) {
      for (;;) {
        const answer = await collector.send(bundle(n));
        if (answer.status === 200) {
          acknowledged.add(n);
          if (acknowledged.size === KILL_AFTER_ACKS) killed = server!().stop({ kill: true });
          break;
        }
        refusals.push({ status: answer.status, retryAfter: answer.headers.get('retry-after') });
        // The test's stand-in for Retry-After: the server comes back after some refusals.
        if (refusals.length === CONCURRENCY * 2) restarted = killed!.then(() => server!().start());
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, lane) => transport(lane)));
  await restarted;

  expect(killed).toBeDefined();
  expect(refusals.length).toBeGreaterThan(0);
  expect(refusals.every((refusal) => refusal.status === 503 && refusal.retryAfter === '5')).toBe(true);
  expect(acknowledged.size).toBe(BUNDLES);
  const events = await sessionEvents(collector.storage, 'o-demo', 'u-alice', 's-1');
  // Every acknowledged bundle's meta event is stored exactly once.
  expect(events.filter((event) => event.type === 4)).toHaveLength(BUNDLES);
}, 120_000);
