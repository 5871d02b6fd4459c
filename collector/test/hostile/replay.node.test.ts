import { afterEach, expect, test } from 'vitest';
import { makeBundle, recordingStart, startTestCollector, type TestCollector } from '../fixtures';

let collector: TestCollector;
afterEach(() => collector?.dispose());

const policyOf = async (c: TestCollector) => {
  expect((await c.send(makeBundle({ events: recordingStart() as any }))).status).toBe(200);
  const page = await fetch(`${c.url}/sessions/o-demo.u-alice.s-1`);
  expect(page.headers.get('referrer-policy')).toBe('no-referrer');
  return Object.fromEntries(page.headers.get('content-security-policy')!.split('; ').map((directive) => [directive.split(' ')[0], directive]));
};

test('by default the replay loads nothing from recorded sites or addresses', async () => {
  collector = await startTestCollector();
  const policy = await policyOf(collector);
  for (const directive of ['img-src', 'style-src', 'font-src', 'media-src']) {
    expect(policy[directive]).not.toMatch(/\s\*(\s|$)|https?:/);
  }
  expect(policy['img-src']).toBe("img-src 'self' data: blob:");
});

test('an org\'s replayOrigins allow-list opens the replay to those origins only', async () => {
  collector = await startTestCollector({
    configure: (config) => ({ ...config, orgs: config.orgs.map((org) => ({ ...org, replayOrigins: ['https://cdn.shop.example'] })) }),
  });
  const policy = await policyOf(collector);
  expect(policy['img-src']).toBe("img-src 'self' data: blob: https://cdn.shop.example");
  expect(policy['font-src']).toBe("font-src 'self' data: https://cdn.shop.example");
});
