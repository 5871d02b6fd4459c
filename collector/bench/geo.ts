import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openGeo } from '../src/geo';
import { cityRecord, writeMmdb, type MmdbNetwork } from '../test/mmdb';

/**
 * Lookups per second against a database of GeoLite2 City's shape and order of size (its IPv4 part
 * holds a few million ranges pointing at ~100k places): /24 ranges over the whole IPv4 space, each
 * pointing at one of `--places` records. `--out` keeps the file for collector.ts's `--geo` run.
 */
const { values } = parseArgs({
  options: {
    networks: { type: 'string', default: '1000000' },
    places: { type: 'string', default: '20000' },
    lookups: { type: 'string', default: '1000000' },
    out: { type: 'string' },
  },
});
const NETWORKS = Number(values.networks);
const PLACES = Number(values.places);
const LOOKUPS = Number(values.lookups);
/** /24 ranges in the 2^24 possible: spread evenly so lookups walk the full 24 levels. */
const STRIDE = Math.floor(2 ** 24 / NETWORKS);

const networks: MmdbNetwork[] = [];
for (let i = 0; i < NETWORKS; i++) {
  const block = i * STRIDE;
  const place = i % PLACES;
  networks.push({
    cidr: `${block >> 16}.${(block >> 8) & 255}.${block & 255}.0/24`,
    data: cityRecord({ city: `City ${place}`, country: `C${place % 250}`, region: `Region ${place % 4000}`, latitude: (place % 180) - 90 + 0.1234, longitude: (place % 360) - 180 + 0.5678 }),
  });
}
// The range collector.ts's clients send from (X-Forwarded-For), so its --geo run looks up addresses that are found.
networks.push({ cidr: '198.51.100.0/24', data: cityRecord({ city: 'Paris', country: 'FR', region: 'Île-de-France', latitude: 48.8566, longitude: 2.3522 }) });
// A temporary directory only when the file is not kept.
const directory = values.out ? undefined : mkdtempSync(join(tmpdir(), 'openstory-geo-bench-'));
const file = values.out ?? join(directory!, 'city.mmdb');
const bytes = writeMmdb(networks);
writeFileSync(file, bytes);

const opened = performance.now();
const geo = openGeo(file, '/');
const openMs = performance.now() - opened;
// Random addresses, half of them in a stored range (the other half miss: private and unrouted ranges do).
const addresses = Array.from({ length: 4096 }, (_, i) => {
  const block = i % 2 === 0 ? Math.floor(Math.random() * NETWORKS) * STRIDE : Math.floor(Math.random() * 2 ** 24);
  return `${block >> 16}.${(block >> 8) & 255}.${block & 255}.${i % 256}`;
});
let found = 0;
const started = performance.now();
for (let i = 0; i < LOOKUPS; i++) if (geo.locate(addresses[i % addresses.length])) found++;
const seconds = (performance.now() - started) / 1000;
if (directory) rmSync(directory, { recursive: true, force: true });
console.log(`
| geolocation lookups (${cpus().length} cores, Node ${process.version}, load average ${loadavg()[0].toFixed(1)}) | result |
|---|---|
| database: ${NETWORKS.toLocaleString('en')} /24 ranges, ${PLACES.toLocaleString('en')} places, ${(bytes.length / 1024 / 1024).toFixed(1)} MiB | opened in ${openMs.toFixed(0)} ms |
| ${LOOKUPS.toLocaleString('en')} lookups (${((found / LOOKUPS) * 100).toFixed(0)} % found) | ${(LOOKUPS / seconds).toFixed(0)} lookups/s, ${((seconds / LOOKUPS) * 1e6).toFixed(2)} µs each |
`);
