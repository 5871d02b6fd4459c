import { expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { apiFactsOf, useBrowserAndSite } from './harness';
import { EventType } from '../../src/lib/rrweb';

const env = useBrowserAndSite();

type FSWindow = Window & { FS: any };
const fire = (page: Page, name: string) => page.evaluate((event) => (window as unknown as FSWindow).FS.event(event), name);
const sent = (name: string) => apiFactsOf(env.site.bundles).find((fact) => fact.payload.EventCustomName === name);

async function sentUnder(page: Page, name: string, clock = false) {
  if (clock) await page.clock.runFor(500);
  await expect.poll(() => sent(name), { timeout: 15_000 }).toBeDefined();
  return sent(name)!;
}

test('the session is renewed after 30 minutes without activity, the user stays', async () => {
  env.site.pages.set('/idle', await env.site.snippetPage({ vars: { _fs_org: 'o-idle' } }));
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.clock.install({ time: new Date('2026-03-01T09:00:00Z') });
  await page.goto(`${env.site.url}/idle`);
  await fire(page, 'first');
  const first = await sentUnder(page, 'first', true);

  await page.clock.fastForward('29:00');
  await fire(page, 'after 29 idle minutes');
  const still = await sentUnder(page, 'after 29 idle minutes', true);
  expect(still.sessionId).toBe(first.sessionId);

  await page.clock.fastForward('31:00');
  await fire(page, 'after 31 idle minutes');
  const back = await sentUnder(page, 'after 31 idle minutes', true);
  expect(back.sessionId).not.toBe(first.sessionId);
  expect(back.userId).toBe(first.userId);
  expect(back.pageId).not.toBe(first.pageId);
  expect(await page.evaluate(() => (window as unknown as FSWindow).FS.getCurrentSessionURL())).toBe(`${env.site.url}/sessions/o-idle.${back.userId}.${back.sessionId}`);
  await context.close();
});

test('the inactivity timeout is configurable', async () => {
  env.site.pages.set('/short', await env.site.snippetPage({ vars: { _fs_org: 'o-short', _fs_options: { inactivityTimeout: 60_000 } } }));
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.clock.install({ time: new Date('2026-03-01T09:00:00Z') });
  await page.goto(`${env.site.url}/short`);
  await fire(page, 'short-1');
  const one = await sentUnder(page, 'short-1', true);
  await page.clock.fastForward('02:00');
  await fire(page, 'short-2');
  expect((await sentUnder(page, 'short-2', true)).sessionId).not.toBe(one.sessionId);
  await context.close();
});

test('two tabs of one user share the session, each page has its own PageId', async () => {
  env.site.pages.set('/tab', await env.site.snippetPage({ vars: { _fs_org: 'o-tabs' } }));
  const context = await env.browser.newContext();
  const [left, right] = [await context.newPage(), await context.newPage()];
  await left.goto(`${env.site.url}/tab`);
  await right.goto(`${env.site.url}/tab`);
  await fire(left, 'left tab');
  await fire(right, 'right tab');
  const [a, b] = [await sentUnder(left, 'left tab'), await sentUnder(right, 'right tab')];
  expect(b.userId).toBe(a.userId);
  expect(b.sessionId).toBe(a.sessionId);
  expect(b.pageId).not.toBe(a.pageId);
  await context.close();
});

test('identify with another uid splits off a new user and session; anonymize splits again', async () => {
  env.site.pages.set('/who', await env.site.snippetPage({ vars: { _fs_org: 'o-who' } }));
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${env.site.url}/who`);
  await page.evaluate(() => (window as unknown as FSWindow).FS.identify('alice'));
  await fire(page, 'as alice');
  const alice = await sentUnder(page, 'as alice');
  await page.evaluate(() => (window as unknown as FSWindow).FS.identify('alice', { plan: 'pro' }));
  await fire(page, 'alice again');
  expect((await sentUnder(page, 'alice again')).sessionId).toBe(alice.sessionId);

  await page.evaluate(() => (window as unknown as FSWindow).FS('setIdentity', { uid: 'bob' }));
  await fire(page, 'as bob');
  const bob = await sentUnder(page, 'as bob');
  expect(bob.userId).not.toBe(alice.userId);
  expect(bob.sessionId).not.toBe(alice.sessionId);

  await page.evaluate(() => (window as unknown as FSWindow).FS.anonymize());
  await fire(page, 'anonymous');
  const anonymous = await sentUnder(page, 'anonymous');
  expect(anonymous.userId).not.toBe(bob.userId);

  const identities = apiFactsOf(env.site.bundles).filter((fact) => fact.tag === 'identity');
  expect(identities.map((fact) => fact.payload)).toEqual([
    { UserAppKey: 'alice', UserId: alice.userId },
    { UserAppKey: 'bob', UserId: bob.userId },
    { UserAppKey: null, UserId: anonymous.userId },
  ]);
  // The identified user is remembered on the next page load.
  await page.evaluate(() => (window as unknown as FSWindow).FS.identify('carol'));
  await page.reload();
  await fire(page, 'carol reloaded');
  const carol = await sentUnder(page, 'carol reloaded');
  expect(apiFactsOf(env.site.bundles).filter((fact) => fact.tag === 'identity' && fact.pageId === carol.pageId).map((fact) => fact.payload.UserAppKey)).toEqual(['carol']);
  await context.close();
});

test('after a long pause, the next user interaction opens a new session that starts with a full snapshot', async () => {
  env.site.pages.set('/pause', await env.site.snippetPage({ vars: { _fs_org: 'o-pause' }, body: '<button id="b">press</button><p>text</p>' }));
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.clock.install({ time: new Date('2026-03-01T09:00:00Z') });
  await page.goto(`${env.site.url}/pause`);
  await fire(page, 'pause-start');
  const first = await sentUnder(page, 'pause-start', true);

  await page.clock.fastForward('45:00');
  await page.click('#b');
  await page.clock.runFor(1000);
  const renewed = () => env.site.bundles.filter((bundle) => bundle.orgId === 'o-pause' && bundle.sessionId !== first.sessionId);
  await expect.poll(() => renewed().flatMap((bundle) => bundle.events.map((event) => event.type)), { timeout: 15_000 }).toContain(2);
  expect(new Set(renewed().map((bundle) => bundle.userId))).toEqual(new Set([first.userId]));
  // The click itself is recorded in the new session, tagged by the heuristics.
  await page.click('#b');
  await page.clock.runFor(5000);
  await expect
    .poll(() => renewed().flatMap((bundle) => bundle.events).some((event) => event.type === EventType.Custom && (event.data as { tag: string }).tag === 'click'), { timeout: 15_000 })
    .toBe(true);
  await context.close();
});
