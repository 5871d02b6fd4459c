import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const cache = new Map<string, Promise<string>>();

/**
 * Bundles a source entry (default: the package root) into an IIFE that assigns its exports to
 * `window[globalName]`, so browser tests exercise src/ directly without a full rollup build.
 */
export function bundleForBrowser(entry = 'src/index.ts', globalName = 'openstory'): Promise<string> {
  const key = `${entry}:${globalName}`;
  let pending = cache.get(key);
  if (!pending) {
    pending = build({
      entryPoints: [`${ROOT}/${entry}`],
      bundle: true,
      write: false,
      format: 'iife',
      globalName,
      target: 'es2019',
      platform: 'browser',
      define: { 'process.env.NODE_ENV': '"test"' },
      logLevel: 'silent',
    }).then((result) => result.outputFiles[0].text);
    cache.set(key, pending);
  }
  return pending;
}

/** rrweb's own player, used only by tests to check that our recordings replay exactly. */
export const RRWEB_UMD_PATH = `${ROOT}/node_modules/rrweb/dist/rrweb.umd.cjs`;
