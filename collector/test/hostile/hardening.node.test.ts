import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { makeBundle, recordingStart, startTestCollector, type TestCollector } from '../fixtures';

let collector: TestCollector;
afterEach(() => collector?.dispose());

/** A GET with a chosen Host header (fetch does not let a caller set one). */
const getWithHost = (url: string, host: string) =>
  new Promise<number>((resolve, reject) => {
    request(url, { headers: { host } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    }).on('error', reject).end();
  });

test('admin routes refuse requests without the admin header (a cross-site form cannot set one)', async () => {
  collector = await startTestCollector();
  // What a cross-site <form enctype="text/plain"> sends, with the browser's cached credentials.
  const form = await collector.api('/api/v1/keys/regenerate', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'a=b' });
  expect(form.status).toBe(403);
  expect(await form.json()).toMatchObject({ error: 'admin-header-required' });
  expect((await collector.api('/api/v1/users?userId=u-alice', { method: 'DELETE' })).status).toBe(403);
  expect(collector.config().orgs[0].apiKeys).toEqual([collector.apiKey]);
});

test('failed authentication is rate limited per client, with no Basic challenge', async () => {
  collector = await startTestCollector();
  const statuses: number[] = [];
  for (let attempt = 0; attempt < 12; attempt++) {
    const response = await fetch(`${collector.url}/api/v1/export/list?start=0`, { headers: { authorization: 'Basic ok_wrong-key-guess-000' } });
    expect(response.headers.get('www-authenticate')).toBeNull();
    statuses.push(response.status);
  }
  expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
  expect(statuses.slice(10)).toEqual([429, 429]);
});

test('the viewer answers only its own host names (DNS rebinding), IP literals and localhost', async () => {
  collector = await startTestCollector({ configure: (config) => ({ ...config, viewerHosts: ['replay.example'] }) });
  const port = collector.port;
  expect(await getWithHost(`${collector.url}/sessions`, `attacker.example:${port}`)).toBe(421);
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `replay.example:${port}`]) expect(await getWithHost(`${collector.url}/sessions`, host)).toBe(200);
});

test('nosniff and no-referrer on every answer: ingest, API, viewer, errors', async () => {
  collector = await startTestCollector();
  const answers = [
    await fetch(`${collector.url}/sessions`),
    await fetch(`${collector.url}/api/v1/export/list?start=0`),
    await fetch(`${collector.url}/rec/bundle?v=1`, { method: 'POST', body: '{' }),
    await fetch(`${collector.url}/nowhere`),
  ];
  for (const answer of answers) {
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
  }
});

test('--trust-proxy takes the right-most address no trusted proxy added, not a spoofed left-most one', async () => {
  collector = await startTestCollector({
    trustProxy: true,
    configure: (config) => ({ ...config, orgs: config.orgs.map((org) => ({ ...org, ipHandling: 'keep' as const })) }),
  });
  const body = Buffer.from(JSON.stringify(makeBundle({ events: recordingStart() as any })));
  expect((await collector.post(body, 'v=1&enc=identity', { 'x-forwarded-for': '6.6.6.6, 203.0.113.7, 10.0.0.2' })).status).toBe(200);
  const database = readFileSync(join(collector.dataDir, 'openstory.sqlite')).toString('latin1') + readFileSync(join(collector.dataDir, 'openstory.sqlite-wal')).toString('latin1');
  expect(database).toContain('203.0.113.7');
  expect(database).not.toContain('6.6.6.6');
});

test('the data directory and database are owner-only; key regeneration keeps hand edits it had not read', async () => {
  collector = await startTestCollector();
  expect(statSync(collector.dataDir).mode & 0o777).toBe(0o700);
  for (const file of ['openstory.sqlite', 'openstory.sqlite-wal', 'config.json']) expect(statSync(join(collector.dataDir, file)).mode & 0o777).toBe(0o600);

  const path = join(collector.dataDir, 'config.json');
  const edited = JSON.parse(readFileSync(path, 'utf8'));
  edited.orgs[0].allowedOrigins.push('https://added-by-hand.example');
  writeFileSync(path, JSON.stringify(edited));
  const response = await collector.api('/api/v1/keys/regenerate', { method: 'POST', headers: { 'x-openstory-admin': '1' } });
  expect(response.status).toBe(200);
  expect(JSON.parse(readFileSync(path, 'utf8')).orgs[0].allowedOrigins).toContain('https://added-by-hand.example');
});
