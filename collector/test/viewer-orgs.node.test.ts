import { afterAll, beforeAll, expect, test } from 'vitest';
import { factAt, makeBundle, recordingStart, startTestCollector, type TestCollector } from './fixtures';
import { aliceSession } from './session';

/**
 * Per-org viewer access (issue 18, item 1): an org's viewer key opens that org alone, by any URL;
 * the admin key (viewerAccessKey) opens all of them.
 */
let collector: TestCollector;
const ORG_KEY = 'vk_demo-org-viewer-key-0123456789';
const ACME_KEY = 'vk_acme-org-viewer-key-0123456789';
const ACME_SESSION = 'o-acme.u-wile.s-9';
const DEMO_SESSION = 'o-demo.u-alice.s-1';

/** Every viewer URL that reads one session, and every one that reads an org's sessions. */
const sessionUrls = (key: string) => [`/sessions/${key}`, `/sessions/${key}/events.json`, `/sessions/${key}/facts.json`];
const listUrls = ['/sessions', '/sessions?user=wile', '/sessions?sort=frustration', '/sessions?org=o-acme', '/sessions?org=o-acme&browser=Chrome'];

beforeAll(async () => {
  collector = await startTestCollector({
    viewerNeedsKey: true,
    configure: (config) => ({
      ...config,
      orgs: [
        { ...config.orgs[0], viewerKeys: [ORG_KEY] },
        { ...config.orgs[0], id: 'o-acme', name: 'Acme', apiKeys: ['ok_acme-api-key-0123456789'], viewerKeys: [ACME_KEY] },
      ],
    }),
  });
  for (const bundle of aliceSession()) await collector.send(bundle);
  const acme = makeBundle({ orgId: 'o-acme', userId: 'u-wile', sessionId: 's-9', pageId: 'p-9', events: recordingStart() as never });
  expect((await collector.send(acme)).status).toBe(200);
  // A dead click of Acme's, for its insights and click map.
  const click = factAt('click', { EventTargetText: 'Acme secret', EventTargetSelectorTok: 'html body button#acme%2Dsecret',
    EventModFrustrated: 0, EventModDead: 1, EventModError: 0 }, recordingStart()[0].timestamp + 100);
  expect((await collector.send(makeBundle({ orgId: 'o-acme', userId: 'u-wile', sessionId: 's-9', pageId: 'p-9', seq: 1, events: [click] as never }))).status).toBe(200);
});
afterAll(() => collector?.dispose());

const get = (path: string, key: string) => fetch(`${collector.url}${path}${path.includes('?') ? '&' : '?'}key=${encodeURIComponent(key)}`);

test("an org's viewer key never shows another org's sessions, facts or events, by any URL", async () => {
  for (const path of sessionUrls(ACME_SESSION)) {
    const response = await get(path, ORG_KEY);
    expect(response.status, path).toBe(404);
    expect(await response.text()).not.toMatch(/wile|s-9|Hello replay/);
  }
  for (const path of sessionUrls(DEMO_SESSION)) expect((await get(path, ORG_KEY)).status, path).toBe(200);
  for (const path of listUrls) {
    const page = await (await get(path, ORG_KEY)).text();
    expect(page, path).not.toContain('u-wile');
    expect(page, path).not.toContain('o-acme');
  }
  expect(await (await get('/sessions', ORG_KEY)).text()).toContain('u-alice');
  // The other org's key sees its own session and not the demo org's.
  expect((await get(`/sessions/${ACME_SESSION}`, ACME_KEY)).status).toBe(200);
  for (const path of sessionUrls(DEMO_SESSION)) expect((await get(path, ACME_KEY)).status, path).toBe(404);
});

test("an org's insights and click maps show that org's clicks and pages only, whatever org the URL names", async () => {
  const cart = encodeURIComponent('https://shop.example/cart');
  const insightsUrls = ['/insights', '/insights?org=o-acme', `/insights/clickmap?page=${cart}`, `/insights/clickmap?org=o-acme&page=${cart}`,
    `/insights/clickmap?org=o-acme&page=${encodeURIComponent('https://shop.example/*')}`];
  for (const path of insightsUrls) {
    const response = await get(path, ORG_KEY);
    expect(response.status, path).toBe(200);
    const page = await response.text();
    expect(page, path).not.toMatch(/acme|wile|s-9/i);
  }
  // Alice's rage burst on the demo org's cart is there for its own key, and Acme's dead click for Acme's.
  expect(await (await get(`/insights/clickmap?page=${cart}`, ORG_KEY)).text()).toContain('pay%2Dnow');
  expect(await (await get('/insights', ACME_KEY)).text()).toContain('Acme secret');
  const acmeMap = await (await get(`/insights/clickmap?page=${cart}`, ACME_KEY)).text();
  expect(acmeMap).toContain('acme%2Dsecret');
  expect(acmeMap).not.toContain('pay%2Dnow');
});

test("an org's viewer cannot save a segment for another org, nor export another org's segment", async () => {
  const cookie = (await get('/sessions', ORG_KEY)).headers.get('set-cookie')!.split(';')[0];
  const save = (org: string) => fetch(`${collector.url}/segments`, {
    method: 'POST', redirect: 'manual',
    headers: { cookie, origin: collector.url, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ org, name: 'Mine', query: 'user=wile' }).toString(),
  });
  expect((await save('o-acme')).status).toBe(400);
  expect(await collector.storage.listSegments('o-acme')).toEqual([]);
  expect((await save('o-demo')).status).toBe(303);
  const [segment] = await collector.storage.listSegments('o-demo');
  const body = { segmentId: segment.segmentId, type: 'TYPE_EVENT', format: 'FORMAT_NDJSON', timeRange: { start: '', end: '' } };
  const acme = await fetch(`${collector.url}/segments/v1/exports`, { method: 'POST', headers: { authorization: 'Basic ok_acme-api-key-0123456789' }, body: JSON.stringify(body) });
  expect(acme.status).toBe(400);
  // A form posted by another site's page is refused, whatever cookie the browser attaches.
  const forged = await fetch(`${collector.url}/segments`, {
    method: 'POST', headers: { cookie, origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ org: 'o-demo', name: 'Forged', query: '' }).toString(),
  });
  expect(forged.status).toBe(403);
});

test("the org key's cookie is scoped the same way as the key", async () => {
  const first = await get('/sessions', ORG_KEY);
  const cookie = first.headers.get('set-cookie')!.split(';')[0];
  for (const path of sessionUrls(ACME_SESSION)) {
    expect((await fetch(`${collector.url}${path}`, { headers: { cookie } })).status, path).toBe(404);
  }
});

test('the admin key (viewerAccessKey) sees every org', async () => {
  const admin = collector.config().viewerAccessKey;
  const page = await (await get('/sessions', admin)).text();
  expect(page).toContain('u-wile');
  expect(page).toContain('u-alice');
  for (const path of [...sessionUrls(ACME_SESSION), ...sessionUrls(DEMO_SESSION)]) expect((await get(path, admin)).status, path).toBe(200);
  expect(await (await get('/insights?org=o-acme', admin)).text()).toContain('Acme secret');
  expect(await (await get('/insights?org=o-demo', admin)).text()).not.toContain('Acme secret');
});

test("regenerating an org's viewer key revokes the old key and its cookies", async () => {
  const cookie = (await get('/sessions', ACME_KEY)).headers.get('set-cookie')!.split(';')[0];
  const response = await fetch(`${collector.url}/api/v1/viewer-keys/regenerate`, {
    method: 'POST',
    headers: { authorization: 'Basic ok_acme-api-key-0123456789', 'x-openstory-admin': '1' },
  });
  expect(response.status).toBe(200);
  const { viewerKey } = await response.json();
  expect((await get('/sessions', ACME_KEY)).status).toBe(401);
  expect((await fetch(`${collector.url}/sessions`, { headers: { cookie } })).status).toBe(401);
  expect(await (await get('/sessions', viewerKey)).text()).toContain('u-wile');
  expect(collector.config().orgs.find((org) => org.id === 'o-demo')!.viewerKeys).toEqual([ORG_KEY]);
});
