import { expect, test } from 'vitest';
import type { CookieJar } from '../../src/api/cookies';
import { SESSION_COOKIE, USER_COOKIE, createIdentityStore } from '../../src/api/identity';

const MINUTE = 60_000;

/** One browser's cookies, shared by the stores of several tabs. */
function jar(): CookieJar & { values: Map<string, string>; writes: number } {
  const values = new Map<string, string>();
  const shared = {
    values,
    writes: 0,
    read: (name: string) => values.get(name) ?? null,
    write(name: string, value: string) {
      shared.writes++;
      values.set(name, value);
    },
    remove: (name: string) => void values.delete(name),
  };
  return shared;
}

function tab(cookies: CookieJar, clock: { now: number }) {
  return createIdentityStore({ cookies, now: () => clock.now, inactivityMs: 30 * MINUTE, maxSessionMs: 24 * 60 * MINUTE });
}

test('the user is created once and keeps its UserAppKey', () => {
  const cookies = jar();
  const store = tab(cookies, { now: 0 });
  const user = store.user();
  expect(store.user()).toEqual(user);
  store.setAppKey('ann:with:colons');
  expect(store.user()).toEqual({ userId: user.userId, appKey: 'ann:with:colons' });
  expect(cookies.values.get(USER_COOKIE)).toBe(`${user.userId}:ann:with:colons`);
});

test('activity keeps the session; 30 idle minutes or a day in all renew it', () => {
  const clock = { now: 1_000_000 };
  const store = tab(jar(), clock);
  const first = store.session();
  clock.now += 29 * MINUTE;
  expect(store.touch(clock.now)).toBe(first);
  clock.now += 29 * MINUTE;
  expect(store.touch(clock.now)).toBe(first);
  clock.now += 31 * MINUTE;
  const second = store.touch(clock.now);
  expect(second).not.toBe(first);
  // Busy all day: activity every 20 minutes keeps the session until it is a day old.
  const renewedAt = clock.now + 24 * 60 * MINUTE;
  while (clock.now + 20 * MINUTE <= renewedAt) expect(store.touch((clock.now += 20 * MINUTE))).toBe(second);
  expect(store.touch((clock.now += 20 * MINUTE))).not.toBe(second);
});

test("tabs share the session and adopt the one another tab renewed; activity is written at most once a second", () => {
  const cookies = jar();
  const clock = { now: 5_000_000 };
  const [left, right] = [tab(cookies, clock), tab(cookies, clock)];
  const shared = left.session();
  expect(right.session()).toBe(shared);
  const writes = cookies.writes;
  for (let i = 0; i < 10; i++) left.touch((clock.now += 50));
  expect(cookies.writes - writes).toBeLessThanOrEqual(1);
  const renewed = right.renewSession();
  expect(left.touch((clock.now += 1000))).toBe(renewed);
  expect(cookies.values.get(SESSION_COOKIE)).toMatch(new RegExp(`^${renewed}\\.\\d+\\.\\d+$`));
});

test('splitting the user starts a new session; malformed cookies are replaced', () => {
  const cookies = jar();
  const store = tab(cookies, { now: 0 });
  const before = { user: store.user().userId, session: store.session() };
  const split = store.splitUser('ben');
  expect(split.userId).not.toBe(before.user);
  expect(store.session()).not.toBe(before.session);
  cookies.values.set(USER_COOKIE, '<script>');
  cookies.values.set(SESSION_COOKIE, 'garbage');
  expect(store.user().userId).toMatch(/^u-[0-9a-f]{32}$/);
  expect(store.session()).toMatch(/^s-[0-9a-f]{32}$/);
});
