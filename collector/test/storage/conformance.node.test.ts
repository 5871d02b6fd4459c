import { afterEach, describe, expect, test } from 'vitest';
import { deriveChanges } from '../../src/ingest/derive';
import { storedEvents } from '../../src/ingest/encode';
import { STRING_REF, stringId, type eventWithTime } from 'openstory/vocabulary';
import type { BundleCursor, IngestBatch, Storage } from '../../src/storage/types';
import { factAt, makeBundle, recordingStart, sessionEvents, startTestCollector, T0, type TestCollector } from '../fixtures';
import { longSession } from '../replay-sessions';
import { aliceSession } from '../session';
import { conformanceBackends, type Backend, type StorePlace } from './backends';
import { legacyRows, segmentRows } from './export-api';

/**
 * The storage contract (storage/types.ts), run against every backend: the same bundles through the
 * same collector give the same answers. SQLite-only still: crash recovery (crash.node.test.ts), the
 * deletion of a large user in small transactions and WAL purging (hostile/).
 */
const { backends } = conformanceBackends();
const HOUR = 3600_000;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function collectorOn(backend: Backend): Promise<{ collector: TestCollector; place: StorePlace }> {
  const place = backend.place();
  const collector = await startTestCollector({ storage: await place.open(), now: () => T0 + 2 * HOUR });
  cleanups.push(() => place.remove(), () => collector.dispose());
  return { collector, place };
}

async function ingestAlice(collector: TestCollector, userId?: string, pageId?: string) {
  for (const bundle of aliceSession(userId, pageId)) expect((await collector.send(bundle)).status).toBe(200);
}

const allEvents = async (storage: Storage, userId = 'u-alice') => sessionEvents(storage, 'o-demo', userId, 's-1');

describe.each(backends)('storage conformance: $name', (backend) => {
  test('ingest and dedup: a bundle sent twice is stored once, the retry answers duplicate', async () => {
    const { collector } = await collectorOn(backend);
    await ingestAlice(collector);
    const retry = await collector.send(aliceSession()[1]);
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ duplicate: true });
    const [session] = await collector.storage.listSessions({ limit: 10 });
    // Alice's rage burst of three clicks is one rage click; her dead clicks count one by one.
    expect(session).toMatchObject({ orgId: 'o-demo', userId: 'u-alice', sessionId: 's-1', pages: 1, browser: 'Chrome', operatingSystem: 'OS X', rageClicks: 1, deadClicks: 3 });
    expect(session.user).toMatchObject({ userAppKey: 'customer-42', email: 'alice@example.com', displayName: 'Alice', vars: { plan_str: 'pro', seats_int: 3 } });
    expect(await collector.storage.getSession('o-demo', 'u-alice', 's-1')).toEqual(session);
    expect(await collector.storage.getSession('o-demo', 'u-alice', 's-none')).toBeUndefined();
    expect((await allEvents(collector.storage)).length).toBe(aliceSession().reduce((sum, bundle) => sum + bundle.events.length, 0));
    expect(await collector.storage.pageOwner('o-demo', 'p-1')).toMatchObject({ userId: 'u-alice', sessionId: 's-1' });
  });

  test('a session\'s events read on after a cursor: the bundles after it, across page views, in order', async () => {
    const { collector } = await collectorOn(backend);
    const shape = { pages: 2, bundlesPerPage: 3, fillerChars: 10, stepMs: 1000 };
    for (const bundle of longSession(shape)) expect((await collector.send(bundle)).status).toBe(200);
    const read = async (after?: BundleCursor) => {
      const places: string[] = [];
      for await (const bundle of collector.storage.sessionEvents('o-demo', 'u-long', 's-long', after)) places.push(`${bundle.pageId}#${bundle.seq}`);
      return places;
    };
    const all = ['p-long-0#0', 'p-long-0#1', 'p-long-0#2', 'p-long-1#0', 'p-long-1#1', 'p-long-1#2'];
    expect(await read()).toEqual(all);
    expect(await read({ pageId: 'p-long-0', seq: 1 })).toEqual(all.slice(2));
    expect(await read({ pageId: 'p-long-0', seq: 2 })).toEqual(all.slice(3));
    expect(await read({ pageId: 'p-long-1', seq: 2 })).toEqual([]);
    expect(await read({ pageId: 'p-elsewhere', seq: 0 })).toEqual([]);
  });

  test('a page belongs to its first session: another session sending on it gets 409', async () => {
    const { collector } = await collectorOn(backend);
    await ingestAlice(collector);
    const intruder = await collector.send(makeBundle({ userId: 'u-mallory', seq: 5, events: recordingStart() as never }));
    expect(intruder.status).toBe(409);
  });

  test('state carried across bundles arriving out of order: snapshots, growing totals, merged vars', async () => {
    const place = backend.place();
    const storage = await place.open();
    cleanups.push(() => place.remove());
    const send = (seq: number, events: unknown[], page?: IngestBatch['page']) =>
      storage.ingest(deriveChanges({ orgId: 'o-demo', userId: 'u-alice', sessionId: 's-1', pageId: 'p-1', seq, receivedAt: T0 + 1000,
        page, ...storedEvents(events as eventWithTime[]) }));
    const click = (at: number) => factAt('click', { EventTargetText: 'Pay', EventTargetSelectorTok: 'html body button', EventModFrustrated: 0, EventModDead: 0, EventModError: 0 }, at);
    await send(2, [factAt('duration', { PageDuration: 9000, PageActiveDuration: 2000, PageMaxScrollDepthPercent: 50 }, T0 + 900), click(T0 + 950)]);
    await send(0, [factAt('console', { PageNumInfos: 3, PageNumWarnings: 0, PageNumErrors: 1 }, T0 + 10), factAt('userVars', { vars: { plan_str: 'pro', seats_int: 2 } }, T0 + 20)], {
      start: T0, url: 'https://shop.example/cart', referrer: '', userAgent: 'test', ip: '127.0.0.0',
      agent: { PageBrowser: 'Chrome', PageBrowserVersion: '1', PageDevice: 'Desktop', PageOperatingSystem: 'OS X' },
      screenWidth: 1, screenHeight: 1, viewportWidth: 1, viewportHeight: 1, timeZone: 'UTC', language: 'en', location: null,
    });
    await send(1, [factAt('duration', { PageDuration: 5000, PageActiveDuration: 3000, PageMaxScrollDepthPercent: 20 }, T0 + 500), click(T0 + 600), factAt('userVars', { vars: { seats_int: 4 } }, T0 + 700)]);
    const records = [];
    for await (const record of storage.exportRecords('o-demo', 0, T0 + 10_000)) records.push(record);
    expect(records.map(({ fact }) => [fact.seq, fact.pageUrl, fact.numInfos, fact.numErrors])).toEqual([[1, 'https://shop.example/cart', 3, 1], [2, '', 0, 0]]);
    expect(records[0].page).toMatchObject({ url: 'https://shop.example/cart', duration: 9000, activeDuration: 3000, maxScrollDepthPercent: 50 });
    expect(records[0].user.vars).toEqual({ plan_str: 'pro', seats_int: 4 });
    expect((await storage.listSessions({ limit: 10 }))[0]).toMatchObject({ pages: 1, events: 7, start: T0, last: T0 + 950 });
    expect((await storage.sessionFacts('o-demo', 'u-alice', 's-1')).map((fact) => fact.tag)).toEqual(['click', 'click']);
    await storage.close();
  });

  test('a page keeps the location it was opened from; a page without one reads as null', async () => {
    const place = backend.place();
    cleanups.push(() => place.remove());
    const storage = await place.open();
    const paris = { latitude: 48.86, longitude: 2.35, country: 'FR', region: 'Île-de-France', city: 'Paris' };
    const page = (location: typeof paris | null) => ({
      start: T0, url: 'https://shop.example/', referrer: '', userAgent: 'test', ip: '', location,
      agent: { PageBrowser: 'Chrome', PageBrowserVersion: '1', PageDevice: 'Desktop', PageOperatingSystem: 'OS X' },
      screenWidth: 1, screenHeight: 1, viewportWidth: 1, viewportHeight: 1, timeZone: 'UTC', language: 'en',
    });
    const click = factAt('click', { EventTargetText: 'Pay', EventTargetSelectorTok: 'html body button', EventModFrustrated: 0, EventModDead: 0, EventModError: 0 }, T0 + 50);
    for (const [sessionId, location] of [['s-1', paris], ['s-2', null]] as const) {
      await storage.ingest(deriveChanges({ orgId: 'o-demo', userId: 'u-alice', sessionId, pageId: `p-${sessionId}`, seq: 0, receivedAt: T0 + 1000,
        page: page(location), ...storedEvents([click] as eventWithTime[]) }));
    }
    const records = [];
    for await (const record of storage.exportRecords('o-demo', 0, T0 + 10_000)) records.push(record);
    expect(Object.fromEntries(records.map((record) => [record.sessionId, record.page.location]))).toEqual({ 's-1': paris, 's-2': null });
    expect(await storage.getSession('o-demo', 'u-alice', 's-1')).toMatchObject({ country: 'FR', city: 'Paris' });
    expect(await storage.getSession('o-demo', 'u-alice', 's-2')).toMatchObject({ country: null, city: null });
    await storage.close();
  });

  test('restart: close() answers what it accepted, and a reopened store holds it', async () => {
    const place = backend.place();
    cleanups.push(() => place.remove());
    const storage = await place.open();
    const batch = (pageId: string) => deriveChanges({ orgId: 'o-demo', userId: 'u-alice', sessionId: 's-1', pageId, seq: 1, receivedAt: T0 + 1000,
      ...storedEvents(recordingStart() as eventWithTime[]) });
    const pending = [storage.ingest(batch('p-1')), storage.ingest(batch('p-2'))];
    await storage.close();
    expect(await Promise.all(pending)).toEqual([{ duplicate: false }, { duplicate: false }]);
    await expect(storage.ingest(batch('p-3'))).rejects.toThrow(/storage is closed/);
    const reopened = await place.open();
    expect((await reopened.listSessions({ limit: 10 }))[0]).toMatchObject({ pages: 2, events: 4 });
    expect(await allEvents(reopened)).toHaveLength(4);
    await reopened.close();
  });

  test('deletion of a user by id and by app key; retention of old sessions', async () => {
    const { collector } = await collectorOn(backend);
    await ingestAlice(collector);
    await ingestAlice(collector, 'u-bob', 'p-2');
    await ingestAlice(collector, 'u-carol', 'p-3');
    const storage = collector.storage;
    expect(await storage.deleteUser('o-demo', { userId: 'u-bob' })).toMatchObject({ users: 1, sessions: 1, pages: 1, bundles: 2 });
    expect(await allEvents(storage, 'u-bob')).toEqual([]);
    // Alice and Carol both hold customer-42 (aliceSession identifies every user with it).
    expect(await storage.deleteUser('o-demo', { userAppKey: 'customer-42' })).toMatchObject({ users: 2, sessions: 2, bundles: 4 });
    expect(await storage.listSessions({ limit: 10 })).toEqual([]);
    await ingestAlice(collector, 'u-dave', 'p-4');
    expect(await storage.deleteSessionsBefore('o-demo', T0)).toMatchObject({ sessions: 0 });
    expect(await storage.deleteSessionsBefore('o-demo', T0 + HOUR)).toMatchObject({ users: 1, sessions: 1, pages: 1, bundles: 2 });
    expect(await storage.listSessions({ limit: 10 })).toEqual([]);
    expect(await legacyRows(collector.api)).toEqual([]);
  });

  test('the string table: definitions kept for their session, read by id, never counted as events, deleted with the user and by retention', async () => {
    const { collector } = await collectorOn(backend);
    const css = 'main { display: grid } '.repeat(20);
    const id = stringId(css);
    const [meta] = recordingStart();
    const styled = (at: number) => ({ type: 3, timestamp: at, data: { source: 8, id: 1, adds: [{ rule: STRING_REF + id, index: 0 }] } });
    for (const userId of ['u-alice', 'u-bob']) {
      const first = makeBundle({ userId, pageId: `p-${userId}`, events: [meta, styled(T0 + 10)] as never, strings: { [id]: css } });
      expect((await collector.send(first)).status).toBe(200);
      // The next page references what the session's first page defined.
      expect((await collector.send(makeBundle({ userId, pageId: `p2-${userId}`, events: [meta, styled(T0 + 20)] as never }))).status).toBe(200);
    }
    const storage = collector.storage;
    expect(await storage.sessionStrings('o-demo', 'u-alice', 's-1', [id, 'abc.def'])).toEqual(new Map([[id, css]]));
    expect(await storage.sessionStrings('o-demo', 'u-alice', 's-other', [id])).toEqual(new Map());
    expect((await storage.getSession('o-demo', 'u-alice', 's-1'))?.events).toBe(4);
    expect(await allEvents(storage)).toHaveLength(4);
    await storage.deleteUser('o-demo', { userId: 'u-bob' });
    expect(await storage.sessionStrings('o-demo', 'u-bob', 's-1', [id])).toEqual(new Map());
    expect((await storage.sessionStrings('o-demo', 'u-alice', 's-1', [id])).size).toBe(1);
    await storage.deleteSessionsBefore('o-demo', T0 + HOUR);
    expect(await storage.sessionStrings('o-demo', 'u-alice', 's-1', [id])).toEqual(new Map());
  });
});

test.runIf(backends.length > 1)('the same recorded input exported from every backend gives identical rows', async () => {
  const exports = [];
  for (const backend of backends) {
    const { collector } = await collectorOn(backend);
    await ingestAlice(collector);
    await ingestAlice(collector, 'u-bob', 'p-2');
    exports.push({
      legacy: await legacyRows(collector.api),
      events: await segmentRows(collector.api, 'TYPE_EVENT'),
      individuals: await segmentRows(collector.api, 'TYPE_INDIVIDUAL'),
      // Sessions with the same last activity come in either order (SQLite gives no tie-break either).
      sessions: (await collector.storage.listSessions({ limit: 10 })).sort((a, b) => a.userId.localeCompare(b.userId)),
    });
  }
  expect(exports[0].legacy.length).toBeGreaterThan(10);
  for (const other of exports.slice(1)) expect(other).toEqual(exports[0]);
});
