import { describe, expect, test } from 'vitest';
import { initWith } from '../../src/api';
import { setup } from './jsdom-setup';

describe('one core behind both call styles', () => {
  test('v1 methods, v2 operations and the v1 queue verbs make the same facts', () => {
    const { fs, facts } = setup();
    fs.event('A', { n: 1 });
    fs('trackEvent', { name: 'A', properties: { n: 1 } });
    fs('event', { n: 'A', p: { n: 1 } });
    fs.setUserVars({ plan: 'pro' });
    fs('setProperties', { type: 'user', properties: { plan: 'pro' } });
    fs('user', { plan: 'pro' });
    fs.log('error', 'boom');
    fs('log', { level: 'error', msg: 'boom' });
    fs('log', ['error', 'boom']);
    expect(facts().map(({ tag, payload }) => ({ tag, payload }))).toEqual([
      ...Array(3).fill({ tag: 'custom', payload: { EventCustomName: 'A', properties: { n_real: 1 } } }),
      ...Array(3).fill({ tag: 'userVars', payload: { vars: { plan_str: 'pro' } } }),
      ...Array(3).fill({ tag: 'log', payload: { level: 'error', message: 'boom' } }),
    ]);
  });

  test('FS.log(message) logs at level "log"; an unknown level is reported and logged as "log"', () => {
    const { fs, facts, warnings } = setup();
    fs.log('just a message');
    fs.log('loud', 'hi');
    expect(facts().map(({ payload }) => payload)).toEqual([
      { level: 'log', message: 'just a message' },
      { level: 'log', message: 'hi' },
    ]);
    expect(warnings()).toEqual([expect.stringContaining('level "loud"')]);
  });

  test('getSession answers the viewer URL, the URL at now, or the session key; the Async form a Promise', async () => {
    const { fs, facts } = setup();
    fs.event('x');
    const { userId, sessionId } = facts()[0];
    expect(fs.getCurrentSessionURL()).toBe(`https://collector.example/sessions/o-unit.${userId}.${sessionId}`);
    expect(fs.getCurrentSessionURL(true)).toMatch(new RegExp(`/sessions/o-unit\\.${userId}\\.${sessionId}\\?t=\\d+$`));
    expect(fs('getSession', { format: 'id' })).toBe(`${userId}:${sessionId}`);
    await expect(fs('getSessionAsync')).resolves.toBe(`https://collector.example/sessions/o-unit.${userId}.${sessionId}`);
  });

  test('invalid calls never throw; they warn once and drop only what is invalid', () => {
    const { fs, facts, warnings } = setup();
    expect(() => {
      fs.event('', { a: 1 });
      fs.event('x'.repeat(251));
      fs.event('ok', { bad_int: 'x', good: 'y' });
      fs.identify({} as unknown as string);
      fs.setUserVars({ email: 42, displayName: 'Lin' });
      fs('noSuchOperation');
      fs(undefined as unknown as string);
    }).not.toThrow();
    expect(facts().map(({ payload }) => payload)).toEqual([
      { EventCustomName: 'ok', properties: { good_str: 'y' } },
      { UserDisplayName: 'Lin', vars: {} },
    ]);
    expect(warnings()).toHaveLength(7);
  });

  test('rate limits: FS.event bursts 40 then drops, with one warning', () => {
    const { fs, facts, warnings } = setup();
    for (let i = 0; i < 45; i++) fs.event(`e${i}`);
    expect(facts()).toHaveLength(40);
    expect(warnings()).toEqual([expect.stringContaining('rate limit (60 per minute, burst 40)')]);
  });

  test('a page sets at most 500 custom user vars for its user; a new user after identify starts again', () => {
    const { fs, facts, warnings } = setup();
    fs.identify('u-1');
    for (let call = 0; call < 5; call++) fs.setUserVars(Object.fromEntries(Array.from({ length: 100 }, (_, n) => [`v${call * 100 + n}`, 'x'])));
    fs.setUserVars({ v0: 'updated', fresh: 'dropped' });
    fs.identify('u-2', { fresh: 'kept' });
    const vars = facts().filter(({ tag }) => tag === 'userVars').map(({ payload }) => Object.keys((payload as { vars: object }).vars).length);
    expect(vars).toEqual([100, 100, 100, 100, 100, 1, 1]);
    expect(facts().at(-1)?.payload).toEqual({ vars: { fresh_str: 'kept' } });
    expect(warnings()).toEqual([expect.stringContaining('a user holds at most 500 properties')]);
  });

  test('identify of another uid splits the user and session; identify(false) splits back to anonymous', () => {
    const { fs, facts } = setup();
    fs.identify('ann', { email: 'ann@example.com' });
    fs.identify('ben');
    fs.identify(false);
    const ids = facts().filter(({ tag }) => tag === 'identity');
    expect(ids.map(({ payload }) => payload.UserAppKey)).toEqual(['ann', 'ben', null]);
    expect(new Set(ids.map(({ userId }) => userId)).size).toBe(3);
    expect(new Set(ids.map(({ sessionId }) => sessionId)).size).toBe(3);
    expect(facts()[1]).toMatchObject({ tag: 'userVars', payload: { UserEmail: 'ann@example.com', vars: {} } });
  });

  test('user and session ids live in first-party cookies (attributes: cookie-domain.browser.test.ts)', () => {
    const { window, fs } = setup();
    fs.event('x');
    expect(window.document.cookie).toMatch(/_os_uid=u-[0-9a-f]{32}/);
    expect(window.document.cookie).toMatch(/_os_ses=s-[0-9a-f]{32}\.\d+\.\d+/);
  });
});

describe('gates', () => {
  test('requireConsent keeps calls until consent(true), which comes first in the stream', () => {
    const { fs, facts, window } = setup({ requireConsent: true });
    fs.identify('cat');
    fs.event('waiting');
    expect(facts()).toEqual([]);
    expect(window.document.cookie).toBe('');
    fs.consent();
    expect(facts().map(({ tag }) => tag)).toEqual(['consent', 'identity', 'custom']);
  });

  test('with requireConsent, consent(false) discards the local queue, forgets the device and ignores later calls', () => {
    const { fs, facts, discarded, window } = setup({ requireConsent: true });
    fs.consent(true);
    fs.event('before');
    fs.consent(false);
    fs.event('after');
    expect(facts().filter(({ tag }) => tag === 'custom').map(({ payload }) => payload.EventCustomName)).toEqual(['before']);
    expect(discarded).toHaveBeenCalledOnce();
    expect(fs.getCurrentSessionURL()).toBeNull();
    expect(window.document.cookie).toBe('_os_consent=0');
  });

  test('without requireConsent, consent() is element consent: capture goes on, on a new page record each time it changes', () => {
    const { fs, facts, discarded } = setup();
    fs.event('before');
    fs.consent(true);
    fs.event('consented');
    fs.consent(false);
    fs.event('after');
    expect(discarded).not.toHaveBeenCalled();
    expect(facts().map(({ tag, payload }) => payload.EventCustomName ?? `${tag}:${payload.granted}`)).toEqual(['before', 'consent:true', 'consented', 'consent:false', 'after']);
    expect(new Set(facts().map(({ pageId }) => pageId)).size).toBe(3);
  });

  test('startCaptureManually: nothing starts, nothing is stored, until FS("start"); shutdown stops again', () => {
    const { fs, facts, window } = setup({ startCaptureManually: true });
    fs.event('ignored');
    expect(facts()).toEqual([]);
    expect(window.document.cookie).toBe('');
    fs('start');
    fs.event('recorded');
    fs('shutdown');
    fs.event('after shutdown');
    expect(facts().filter(({ tag }) => tag === 'custom').map(({ payload }) => payload.EventCustomName)).toEqual(['recorded']);
  });

  test('a second init on the same window answers the first API', () => {
    const { window, fs } = setup();
    expect(initWith({ orgId: 'o-other', host: 'h' }, {}, window as unknown as Window)).toBe(fs);
  });
});
