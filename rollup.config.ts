import { fileURLToPath } from 'node:url';
import type { RollupOptions, Plugin } from 'rollup';
import resolve from '@rollup/plugin-node-resolve';
import commonjs from '@rollup/plugin-commonjs';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';
import dts from 'rollup-plugin-dts';
import { mangleProperties } from './scripts/size-mangle.mjs';

// The browser SDK. Its few libraries (web-vitals, idb-keyval) are inlined into every output, so
// the published package has no runtime dependencies; @rrweb/types is inlined into the .d.ts files.
/**
 * ES2020 syntax (optional chaining, ??) ships as is: browsers released since mid-2020 parse it,
 * and not down-levelling it saves about 0.8 KB gzip of fs.js (measured here). docs/install.md,
 * "Browsers", says what that means for older ones.
 */
const BROWSER_TARGET = 'es2020';

const browserPlugins = (): Plugin[] => [
  resolve({ browser: true }),
  commonjs(),
  esbuild({ target: BROWSER_TARGET }),
];
/**
 * fs.js reaches its lazy chunks through their load-script.ts (an import of dist/canvas.js or
 * dist/telemetry.js from its own URL) instead of load.ts, so none of their code is in fs.js.
 */
const CHUNKS_BESIDE_SCRIPT: Record<string, string> = {
  '/record/canvas/lazy.ts': './src/record/canvas/load-script.ts',
  '/page/telemetry/index.ts': './src/page/telemetry/load-script.ts',
};
const chunksFromScriptUrl = (): Plugin => ({
  name: 'chunks-from-script-url',
  resolveId(source, importer) {
    const loader = source === './load' && Object.entries(CHUNKS_BESIDE_SCRIPT).find(([from]) => importer?.endsWith(from))?.[1];
    return loader ? fileURLToPath(new URL(loader, import.meta.url)) : null;
  },
});
/**
 * terser inlines only simple functions (`inline: 1`; its default also inlines those with arguments
 * and variables): the copies of larger bodies cost fs.js 45 B gzip more than the calls they replace
 * (measured here; BENCHMARKS.md, "Size by part", has the other options tried).
 */
const minify = terser({ compress: { passes: 2, inline: 1 }, format: { comments: false } });
/** fs.js also shortens the internal property names scripts/size-mangle.mjs lists (why there). */
const minifyScriptTag = terser({ compress: { passes: 2, inline: 1 }, mangle: { properties: mangleProperties }, format: { comments: false } });

/** ESM and CJS for bundlers and Node, with .d.ts and .d.cts so both module systems type-check. */
const npmEntry = (name: string, input: string): RollupOptions[] => [
  {
    input,
    plugins: browserPlugins(),
    output: [
      // The canvas recorder's dynamic import stays a lazy function, inlined: bundlers split it themselves.
      // Page telemetry's load.ts imports console, network and web-vitals capture statically (why there).
      { file: `dist/${name}.js`, format: 'es', inlineDynamicImports: true },
      { file: `dist/${name}.cjs`, format: 'cjs', inlineDynamicImports: true },
    ],
  },
  {
    input,
    plugins: [dts({ includeExternal: ['@rrweb/types'] })],
    output: [
      { file: `dist/${name}.d.ts`, format: 'es' },
      { file: `dist/${name}.d.cts`, format: 'es' },
    ],
  },
];

const config: RollupOptions[] = [
  // The script-tag bundle: everything inlined, minified, installs the FS global.
  {
    input: 'src/browser.ts',
    plugins: [chunksFromScriptUrl(), ...browserPlugins()],
    output: { file: 'dist/fs.js', format: 'iife', plugins: [minifyScriptTag] },
  },
  // The canvas recorder fs.js imports from beside itself when `recordCanvas` is on.
  {
    input: 'src/record/canvas/capture.ts',
    plugins: browserPlugins(),
    output: { file: 'dist/canvas.js', format: 'es', plugins: [minify] },
  },
  // Console, network and web-vitals capture, which fs.js imports from beside itself as capture starts.
  {
    input: 'src/page/telemetry/lib.ts',
    plugins: browserPlugins(),
    output: { file: 'dist/telemetry.js', format: 'es', plugins: [minify] },
  },
  // The loader snippet site owners paste into their pages (kept tiny; see docs/install.md).
  {
    input: 'src/api/snippet.ts',
    plugins: browserPlugins(),
    output: { file: 'dist/snippet.min.js', format: 'iife', plugins: [minify] },
  },
  ...npmEntry('index', 'src/index.ts'),
  // The wire protocol and fact vocabulary the collector package imports.
  ...npmEntry('vocabulary', 'src/vocabulary.ts'),
];

export default config;
