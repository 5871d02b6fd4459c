import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, onTestFinished, test, vi } from 'vitest';
import { factAt, gzipJson, makeBundle, recordingStart, sessionEvents, startTestCollector, T0, type TestCollector } from './fixtures';

let collector: TestCollector;
afterEach(() => collector?.dispose());

const eventsOf = async (c: TestCollector, userId = 'u-alice', sessionId = 's-1') =>
  sessionEvents(c.storage, 'o-demo', userId, sessionId);

describe('ingest', () => {
  test('stores a bundle and acknowledges it with 200 {ok:true}', async () => {
    collector = await startTestCollector();
    const bundle = makeBundle({ events: recordingStart() as any });
    const answer = await collector.send(bundle);
    expect(answer).toMatchObject({ status: 200, body: { ok: true } });
    expect(await eventsOf(collector)).toEqual(bundle.events);
    const [session] = await collector.storage.listSessions({ limit: 10 });
    expect(session).toMatchObject({ userId: 'u-alice', sessionId: 's-1', pages: 1, events: 2, browser: 'Chrome', device: 'Desktop', operatingSystem: 'OS X' });
  });

  test('a replayed (pageId, seq) is acknowledged as duplicate and stored once', async () => {
    collector = await startTestCollector();
    const bundle = makeBundle({ events: recordingStart() as any });
    await collector.send(bundle);
    const again = await collector.send({ ...bundle, sentAt: bundle.sentAt + 5000 });
    expect(again).toMatchObject({ status: 200, body: { ok: true, duplicate: true } });
    expect(await eventsOf(collector)).toHaveLength(2);
    const [session] = await collector.storage.listSessions({ limit: 10 });
    expect(session.events).toBe(2);
  });

  test('bundles of one page are replayed in seq order, even when they arrive out of order', async () => {
    collector = await startTestCollector();
    const later = makeBundle({ seq: 3, events: [factAt('custom', { EventCustomName: 'late', properties: {} }, T0 + 50)] as any });
    const first = makeBundle({ events: recordingStart() as any });
    expect((await collector.send(later)).status).toBe(200);
    expect((await collector.send(first)).status).toBe(200);
    const events = await eventsOf(collector);
    expect(events.map((event: { type: number }) => event.type)).toEqual([4, 2, 5]);
    const [session] = await collector.storage.listSessions({ limit: 10 });
    expect(session).toMatchObject({ pages: 1, browser: 'Chrome' });
  });

  test('identity plain JSON bodies are accepted with enc=identity', async () => {
    collector = await startTestCollector();
    const answer = await collector.post(JSON.stringify(makeBundle()), 'v=1&enc=identity');
    expect(answer).toMatchObject({ status: 200, body: { ok: true } });
  });

  test('CORS: allowed origins get their origin back, others are refused with 403 origin-not-allowed', async () => {
    collector = await startTestCollector();
    const allowed = await collector.post(gzipJson(makeBundle()), undefined, { origin: 'http://localhost:5173' });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const refused = await collector.post(gzipJson(makeBundle({ pageId: 'p-evil' })), undefined, { origin: 'https://evil.example' });
    expect(refused).toMatchObject({ status: 403, body: { ok: false, error: 'origin-not-allowed' } });
    const preflight = await fetch(`${collector.url}/rec/bundle?v=1&enc=gzip`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:8091', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8091');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    // A page whose fetch wrapper adds headers (tracing): the preflight allows what it asks for.
    const preflightOf = (requested: string) =>
      fetch(`${collector.url}/rec/bundle?v=1&enc=gzip`, {
        method: 'OPTIONS',
        headers: { origin: 'http://127.0.0.1:8091', 'access-control-request-method': 'POST', 'access-control-request-headers': requested },
      }).then((response) => response.headers.get('access-control-allow-headers'));
    expect(await preflightOf('content-type,X-Trace-Id,traceparent')).toBe('content-type, x-trace-id, traceparent');
    expect(await preflightOf('content-type,bad header')).toBe('content-type');
    expect(await collector.storage.getSession('o-demo', 'u-alice', 's-1')).toBeDefined();
    expect((await collector.storage.listSessions({ limit: 10 })).length).toBe(1);
  });

  test('the page IP is stored anonymized', async () => {
    collector = await startTestCollector();
    await collector.send(makeBundle({ events: [factAt('click', { EventTargetText: 'Pay', EventTargetSelectorTok: 'html body button', EventModFrustrated: 0, EventModDead: 0, EventModError: 0 }, T0 + 20)] as any }));
    const rows = [];
    for await (const record of collector.storage.exportRecords('o-demo', 0, T0 + 10_000)) rows.push(record);
    expect(rows[0].page.ip).toBe('127.0.0.0');
  });

  test.each([
    { ipHandling: 'discard' as const, stored: '' },
    { ipHandling: 'keep' as const, stored: '127.0.0.1' },
  ])('with ipHandling $ipHandling the page IP is stored as $stored', async ({ ipHandling, stored }) => {
    collector = await startTestCollector({
      configure: (config) => ({ ...config, orgs: config.orgs.map((org) => ({ ...org, ipHandling })) }),
    });
    await collector.send(makeBundle({ events: [factAt('click', { EventTargetText: 'Pay', EventTargetSelectorTok: 'html body button', EventModFrustrated: 0, EventModDead: 0, EventModError: 0 }, T0 + 20)] as any }));
    const rows = [];
    for await (const record of collector.storage.exportRecords('o-demo', 0, T0 + 10_000)) rows.push(record);
    expect(rows[0].page.ip).toBe(stored);
    if (ipHandling !== 'discard') return;
    const files = readdirSync(collector.dataDir).filter((name) => name.includes('.sqlite'));
    for (const file of files) expect(readFileSync(join(collector.dataDir, file)).includes('127.0.0.1')).toBe(false);
  });

  test('an unknown ipHandling fails at start with a clear message', async () => {
    await expect(
      startTestCollector({ configure: (config) => ({ ...config, orgs: config.orgs.map((org) => ({ ...org, ipHandling: 'hash' as never })) }) }),
    ).rejects.toThrow('ipHandling must be one of anonymize, discard, keep');
  });

  test('rate limiting per client answers 429 with Retry-After and stores nothing', async () => {
    collector = await startTestCollector({
      configure: (config) => ({ ...config, rateLimit: { ...config.rateLimit, ingestPerClientPerMinute: 2 } }),
    });
    expect((await collector.send(makeBundle({ pageId: 'p-a' }))).status).toBe(200);
    expect((await collector.send(makeBundle({ pageId: 'p-b' }))).status).toBe(200);
    const limited = await collector.send(makeBundle({ pageId: 'p-c' }));
    expect(limited).toMatchObject({ status: 429, body: { ok: false, error: 'rate-limited' } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const [session] = await collector.storage.listSessions({ limit: 10 });
    expect(session.pages).toBe(2);
  });

  test('rate limiting per org answers 429 once the org has used its minute', async () => {
    collector = await startTestCollector({
      configure: (config) => ({ ...config, rateLimit: { ...config.rateLimit, ingestPerOrgPerMinute: 1 } }),
    });
    expect((await collector.send(makeBundle({ pageId: 'p-a' }))).status).toBe(200);
    const limited = await collector.send(makeBundle({ pageId: 'p-b' }));
    expect(limited).toMatchObject({ status: 429, body: { error: 'rate-limited', message: 'too many bundles from this org' } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const [session] = await collector.storage.listSessions({ limit: 10 });
    expect(session.pages).toBe(1);
  });

  test('a storage failure (disk full) answers 503 with Retry-After (the client retries) and the collector stores again by itself', async () => {
    const { openSqliteStorage } = await import('../src/storage/sqlite');
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const storageDir = mkdtempSync(join(tmpdir(), 'openstory-failing-'));
    onTestFinished(() => rmSync(storageDir, { recursive: true, force: true }));
    const real = openSqliteStorage(storageDir);
    let failures = 1;
    const flaky = { ...real, ingest: (batch: Parameters<typeof real.ingest>[0]) => (failures-- > 0 ? Promise.reject(new Error('disk full')) : real.ingest(batch)) };
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    collector = await startTestCollector({ storage: flaky });
    const refused = await collector.send(makeBundle());
    expect(refused).toMatchObject({ status: 503, body: { ok: false, error: 'storage-unavailable' } });
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await collector.send(makeBundle())).toMatchObject({ status: 200, body: { ok: true } });
    expect(errors).toHaveBeenCalledOnce();
    errors.mockRestore();
  });
});
