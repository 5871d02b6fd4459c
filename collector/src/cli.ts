import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CONFIG_FILE, loadConfig } from './config';
import { openClickHouseStorage, startCollector } from './index';

const USAGE = `openstory-collector [--port 8090] [--host 127.0.0.1] [--data ./.data] [--storage clickhouse://user:pass@host:8123/db] [--trust-proxy] [--trusted-proxy <address|cidr> ...] [--log]

Receives bundles from fs.js, stores them in SQLite under --data, serves the replay viewer at
/sessions and FullStory's Data Export API at /api/v1/export. config.json in the data directory
holds orgs, API keys and allowed origins (created with a demo org on first start; SIGHUP reloads it
and the geolocation database its geoDatabase names).
--storage stores recordings in ClickHouse instead of SQLite (the database is created and migrated;
config.json stays in --data); without it, config.json's "storage" entry, if any, does. Add
?cluster=NAME to store over the servers of a ClickHouse cluster (docs/scale.md).
--trust-proxy takes the client address from X-Forwarded-For behind a proxy on a loopback or private
address; --trusted-proxy (repeatable) names the proxies instead. The address used is the right-most
one no trusted proxy added.`;

/** Default port of the CLI (the library defaults to an OS-picked port). */
const DEFAULT_PORT = 8090;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: String(DEFAULT_PORT) },
      host: { type: 'string', default: '127.0.0.1' },
      data: { type: 'string', default: './.data' },
      storage: { type: 'string' },
      'trust-proxy': { type: 'boolean', default: false },
      'trusted-proxy': { type: 'string', multiple: true },
      log: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  const dataDir = resolve(values.data as string);
  // The flag wins over config.json's entry; a config startCollector has yet to write (the demo one) names no store.
  const storage = values.storage ?? (existsSync(join(dataDir, CONFIG_FILE)) ? loadConfig(dataDir).storage : undefined);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got ${values.port}`);
  const collector = await startCollector({
    dataDir,
    host: values.host,
    port,
    storage: storage === undefined ? undefined : await openClickHouseStorage(storage),
    trustProxy: values['trusted-proxy'] ?? values['trust-proxy'],
    logger: values.log,
  });
  console.log(`openstory collector listening on ${collector.url} (viewer: ${collector.url}/sessions, data: ${dataDir})`);
  console.log(collector.geolocation());
  if (collector.viewerNeedsKey) {
    console.log('the viewer asks for its access key beyond loopback: open /sessions?key=<a viewerKeys entry of an org, or the admin viewerAccessKey, from config.json> once');
  }
  const stop = () => {
    collector.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.on('SIGHUP', () => {
    try {
      collector.reloadConfig();
      console.log(`config reloaded; ${collector.geolocation()}`);
    } catch (error) {
      console.error(`config not reloaded: ${(error as Error).message}`);
    }
  });
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
