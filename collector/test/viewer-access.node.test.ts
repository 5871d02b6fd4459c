import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeBundle, recordingStart, startTestCollector, type TestCollector } from './fixtures';

let collector: TestCollector;
beforeAll(async () => {
  collector = await startTestCollector({ viewerNeedsKey: true });
  await collector.send(makeBundle({ events: recordingStart() as any }));
});
afterAll(() => collector?.dispose());

test('beyond loopback the viewer answers 401 without the access key', async () => {
  for (const path of ['/sessions', '/sessions/o-demo.u-alice.s-1', '/sessions/o-demo.u-alice.s-1/events.json']) {
    const response = await fetch(`${collector.url}${path}`);
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain('Hello replay');
  }
  expect((await fetch(`${collector.url}/sessions?key=vk_wrong-key-of-enough-length`)).status).toBe(401);
});

test('?key= opens the viewer and sets a cookie that keeps it open', async () => {
  const key = collector.config().viewerAccessKey;
  const first = await fetch(`${collector.url}/sessions?key=${encodeURIComponent(key)}`);
  expect(first.status).toBe(200);
  const cookie = first.headers.get('set-cookie')!.split(';')[0];
  expect(first.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
  const events = await fetch(`${collector.url}/sessions/o-demo.u-alice.s-1/events.json`, { headers: { cookie } });
  expect(events.status).toBe(200);
  expect(JSON.stringify(await events.json())).toContain('Hello replay');
});

test('viewer pages carry a CSP that allows only the collector\'s own scripts', async () => {
  const key = collector.config().viewerAccessKey;
  const page = await fetch(`${collector.url}/sessions/o-demo.u-alice.s-1?key=${encodeURIComponent(key)}`);
  expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
});
