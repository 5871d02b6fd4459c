// `npm start`: the collector with embedded storage in ./.data and the examples served with the
// snippet pointed at it, both on 127.0.0.1. Ctrl-C stops both.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { startCollector, startDemoSite } from '@openstory/collector';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const COLLECTOR_PORT = Number(process.env.OPENSTORY_COLLECTOR_PORT ?? 8090);
const SITE_PORT = Number(process.env.OPENSTORY_SITE_PORT ?? 8091);

/** Tries the well-known port first, then lets the OS pick one. */
async function withPortFallback(start, port) {
  try {
    return await start(port);
  } catch (error) {
    if (error?.code !== 'EADDRINUSE') throw error;
    console.warn(`port ${port} is taken; using a free one`);
    return start(0);
  }
}

// The SPA example imports 'openstory' as an app would; bundle it against this checkout, the way
// the app's own bundler would resolve the npm package.
await build({
  absWorkingDir: ROOT,
  entryPoints: ['examples/spa/app.js'],
  bundle: true,
  format: 'esm',
  alias: { openstory: './src/index.ts' },
  outfile: 'examples/spa/app.bundle.js',
  logLevel: 'warning',
});

const collector = await withPortFallback((port) => startCollector({ dataDir: `${ROOT}.data`, host: '127.0.0.1', port }), COLLECTOR_PORT);
const site = await withPortFallback(
  (port) =>
    startDemoSite({
      root: `${ROOT}examples`,
      collectorUrl: collector.url,
      orgId: collector.config().orgs[0].id,
      fsScript: () => readFile(`${ROOT}dist/fs.js`),
      chunksDir: `${ROOT}dist`,
      port,
    }),
  SITE_PORT,
);

console.log(`
openstory demo
  demo site        ${site.url}/script-tag/
  SPA example      ${site.url}/spa/
  all examples     ${site.url}/
  sessions viewer  ${collector.url}/sessions
  data export      ${collector.url}/api/v1/export/list?start=0  (Authorization: Basic <apiKeys[0] in .data/config.json>)
  data directory   ${ROOT}.data

Open the demo site, click around (click a button that does nothing three times fast for a rage click),
then open the sessions viewer. Ctrl-C stops the demo.
`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await Promise.allSettled([site.close(), collector.close()]);
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
