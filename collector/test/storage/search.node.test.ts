import { afterEach, describe, expect, test } from 'vitest';
import type { SessionFilters, SessionSearch, Storage } from '../../src/storage/types';
import { factAt, makeBundle, pageMetadata, recordingStart, startTestCollector, T0, type TestCollector } from '../fixtures';
import { aliceSession } from '../session';
import { conformanceBackends, type Backend } from './backends';

/** Session search and saved segments (issue 18, item 2): every backend answers the same searches the same. */
const { backends } = conformanceBackends();
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Alice's realistic session (storage conformance), Bob's plain one on Firefox with a failed request and a thrash, Carol's two pages. */
async function storedSessions(backend: Backend): Promise<TestCollector> {
  const place = backend.place();
  const collector = await startTestCollector({ storage: await place.open() });
  cleanups.push(() => place.remove(), () => collector.dispose());
  const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
  const bundles = [
    ...aliceSession(),
    makeBundle({ userId: 'u-bob', sessionId: 's-2', pageId: 'p-2', page: pageMetadata({ url: 'https://blog.example/post_1', userAgent: firefox, startTime: T0 + 5000 }),
      events: [...recordingStart('Hello replay', T0 + 5000),
        factAt('request', { EventStart: T0 + 5100, ReqUrl: 'https://blog.example/api', ReqMethod: 'GET', ReqStatus: 502, duration: 30, initiator: 'fetch' }, T0 + 5100),
        factAt('thrash', { EventStart: T0 + 5200, EventTargetSelectorTok: 'html body', reversals: 4 }, T0 + 5200)] as never }),
    makeBundle({ userId: 'u-carol', sessionId: 's-3', pageId: 'p-3', page: pageMetadata({ startTime: T0 + 9000 }), events: recordingStart('Hello replay', T0 + 9000) as never }),
    makeBundle({ userId: 'u-carol', sessionId: 's-3', pageId: 'p-4', page: pageMetadata({ url: 'https://shop.example/help', startTime: T0 + 9500 }),
      events: [...recordingStart('Hello replay', T0 + 9500), factAt('pageVars', { PageName: 'Help', vars: {} }, T0 + 9600)] as never }),
  ];
  for (const bundle of bundles) expect((await collector.send(bundle)).status).toBe(200);
  return collector;
}

const ids = async (storage: Storage, filters: SessionFilters, order: SessionSearch['order'] = 'time') =>
  (await storage.searchSessions({ ...filters, orgId: 'o-demo', order, limit: 50 })).sessions.map((session) => session.userId);

describe.each(backends)('session search: $name', (backend) => {
  test('each filter alone, and filters combined', async () => {
    const { storage } = await storedSessions(backend);
    const cases: Array<[SessionFilters, string[]]> = [
      [{}, ['u-carol', 'u-bob', 'u-alice']],
      [{ user: 'ALICE@example' }, ['u-alice']],
      [{ user: 'customer-42' }, ['u-alice']],
      [{ user: 'carol' }, ['u-carol']],
      [{ userVar: { name: 'plan_str', value: 'pro' } }, ['u-alice']],
      [{ userVar: { name: 'seats_int', value: '3' } }, ['u-alice']],
      [{ url: '/checkout' }, ['u-alice']],
      [{ url: 'https://shop.example/*' }, ['u-carol', 'u-alice']],
      [{ url: 'post_1' }, ['u-bob']],
      [{ url: 'post%1' }, []],
      [{ pageName: 'Help' }, ['u-carol']],
      [{ eventName: 'Checkout Started' }, ['u-alice']],
      [{ eventName: 'Checkout Started', eventProperty: { name: 'total_real', value: '9.5' } }, ['u-alice']],
      [{ eventProperty: { name: 'total_real', value: '10' } }, []],
      [{ frustrations: ['rage'] }, ['u-alice']],
      [{ frustrations: ['dead'] }, ['u-alice']],
      [{ frustrations: ['error'] }, []],
      [{ frustrations: ['thrash'] }, ['u-bob']],
      [{ frustrations: ['abandon'] }, []],
      [{ consoleErrors: true }, ['u-alice']],
      [{ failedRequests: true }, ['u-bob']],
      [{ browser: 'Firefox' }, ['u-bob']],
      [{ device: 'Desktop' }, ['u-carol', 'u-bob', 'u-alice']],
      [{ os: 'Linux' }, ['u-bob']],
      [{ startFrom: T0 + 4000, startUntil: T0 + 9000 }, ['u-bob']],
      [{ minPages: 2 }, ['u-carol']],
      [{ maxDuration: 300 }, ['u-bob']],
      [{ minDuration: 1000, url: 'shop.example' }, ['u-alice']],
      [{ browser: 'Chrome', frustrations: ['rage', 'dead'], consoleErrors: true }, ['u-alice']],
    ];
    for (const [filters, expected] of cases) expect(await ids(storage, filters), JSON.stringify(filters)).toEqual(expected);
    expect(await ids(storage, {}, 'frustration')).toEqual(['u-alice', 'u-carol', 'u-bob']);
  });

  test('filters no other case covers, on values JSON has to escape and properties named like the fields', async () => {
    const place = backend.place();
    const collector = await startTestCollector({ storage: await place.open() });
    cleanups.push(() => place.remove(), () => collector.dispose());
    const dave = { userId: 'u-dave', sessionId: 's-4', pageId: 'p-5' };
    const bundles = [
      makeBundle({ ...dave, page: pageMetadata({ url: 'https://shop.example/Orders', startTime: T0 }), events: [...recordingStart('Hello replay', T0),
        factAt('identity', { UserAppKey: 'key"7\\', UserId: 'u-dave' }, T0 + 100),
        factAt('userVars', { UserDisplayName: 'Dorothy "Dee" Smith', vars: { vip_bool: true, nick_str: 'd\\"q', prefs_obj: { vip_bool: false } } }, T0 + 110),
        // A page property named like the page name comes before the page name in the page state's JSON.
        factAt('pageVars', { vars: { pageName: 'Decoy' } }, T0 + 120),
        factAt('pageVars', { PageName: 'Orders', vars: {} }, T0 + 130),
        factAt('click', { EventTargetText: 'Save', EventTargetSelectorTok: 'html body button', EventModFrustrated: 0, EventModDead: 0, EventModError: 1 }, T0 + 200),
        factAt('custom', { EventCustomName: 'Order "Placed"', properties: { note_str: 'a "b"', count_int: 2 } }, T0 + 300),
        factAt('abandon', { EventStart: T0 + 400, EventTargetSelectorTok: 'html body form', editedFields: 2 }, T0 + 400)] as never }),
      makeBundle({ userId: 'u-erin', sessionId: 's-5', pageId: 'p-6', events: [...recordingStart('Hello replay', T0 + 1000),
        factAt('userVars', { UserEmail: 'erin@example.com', vars: { vip_bool: false } }, T0 + 1010)] as never }),
      // A later session of Erin's sets the var again: the last value set is the user's.
      makeBundle({ userId: 'u-erin', sessionId: 's-6', pageId: 'p-7', events: [...recordingStart('Hello replay', T0 + 2000),
        factAt('userVars', { vars: { vip_bool: true } }, T0 + 2010)] as never }),
    ];
    for (const bundle of bundles) expect((await collector.send(bundle)).status).toBe(200);
    const cases: Array<[SessionFilters, string[]]> = [
      [{ user: 'dorothy "dee' }, ['u-dave']],
      [{ user: 'KEY"7\\' }, ['u-dave']],
      [{ user: 'ERIN@' }, ['u-erin', 'u-erin']],
      [{ userVar: { name: 'vip_bool', value: '1' } }, ['u-erin', 'u-erin', 'u-dave']],
      [{ userVar: { name: 'vip_bool', value: '0' } }, []],
      [{ userVar: { name: 'nick_str', value: 'd\\"q' } }, ['u-dave']],
      [{ pageName: 'Orders' }, ['u-dave']],
      [{ pageName: 'Decoy' }, []],
      [{ url: 'ORDERS' }, ['u-dave']],
      [{ url: 'https://shop.example/orders' }, ['u-dave']],
      [{ frustrations: ['error'] }, ['u-dave']],
      [{ frustrations: ['abandon'] }, ['u-dave']],
      [{ eventName: 'Order "Placed"', eventProperty: { name: 'note_str', value: 'a "b"' } }, ['u-dave']],
      [{ eventProperty: { name: 'count_int', value: '2' } }, ['u-dave']],
      [{ maxPages: 1, user: 'erin', userVar: { name: 'vip_bool', value: '1' } }, ['u-erin', 'u-erin']],
    ];
    for (const [filters, expected] of cases) expect(await ids(collector.storage, filters), JSON.stringify(filters)).toEqual(expected);
  });

  test('pages through any number of sessions with a cursor; another org sees none of them', async () => {
    const { storage } = await storedSessions(backend);
    for (const order of ['time', 'frustration'] as const) {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await storage.searchSessions({ orgId: 'o-demo', order, limit: 1, cursor });
        seen.push(...page.sessions.map((session) => session.userId));
        cursor = page.next;
      } while (cursor);
      expect(seen).toEqual(await ids(storage, {}, order));
    }
    expect((await storage.searchSessions({ orgId: 'o-other', order: 'time', limit: 10 })).sessions).toEqual([]);
  });

  test('saved segments: stored per org, re-saved under the same id, listed by name', async () => {
    const { storage } = await storedSessions(backend);
    await storage.saveSegment({ orgId: 'o-demo', segmentId: 'seg-b', name: 'Raging', filters: { frustrations: ['rage'] }, created: T0 });
    await storage.saveSegment({ orgId: 'o-demo', segmentId: 'seg-a', name: 'Firefox', filters: { browser: 'Firefox' }, created: T0 });
    await storage.saveSegment({ orgId: 'o-demo', segmentId: 'seg-a', name: 'Firefox users', filters: { browser: 'Firefox' }, created: T0 });
    expect((await storage.listSegments('o-demo')).map((segment) => segment.name)).toEqual(['Firefox users', 'Raging']);
    expect(await storage.getSegment('o-demo', 'seg-b')).toEqual({ orgId: 'o-demo', segmentId: 'seg-b', name: 'Raging', filters: { frustrations: ['rage'] }, created: T0 });
    expect(await storage.getSegment('o-other', 'seg-b')).toBeUndefined();
    expect(await storage.listSegments('o-other')).toEqual([]);
  });
});
