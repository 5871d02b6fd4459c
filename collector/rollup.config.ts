import { builtinModules, createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { RollupOptions } from 'rollup';
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';
import dts from 'rollup-plugin-dts';

// The collector builds to Node ESM. Its npm dependencies stay in node_modules; the SDK's shared
// vocabulary (`openstory/vocabulary`: wire protocol and fact tags) is inlined, so an installed
// collector depends on no particular SDK version at run time and the two never hold copies.
const pkg = JSON.parse(readFileSync('./package.json', 'utf8'));
const externals = [...builtinModules, ...builtinModules.map((m) => `node:${m}`), ...Object.keys(pkg.dependencies)];
const isExternal = (id: string) => externals.some((dep) => id === dep || id.startsWith(`${dep}/`));

const config: RollupOptions[] = [
  {
    // The workers are entries of their own: ingest/pool.ts starts dist/decode-worker.js in worker
    // threads, storage/sqlite.ts dist/checkpoint-worker.js.
    input: { index: 'src/index.ts', cli: 'src/cli.ts', 'decode-worker': 'src/ingest/decode-worker.ts', 'checkpoint-worker': 'src/storage/checkpoint-worker.ts' },
    plugins: [resolve({ preferBuiltins: true }), esbuild({ target: 'node20' })],
    external: isExternal,
    output: { dir: 'dist', format: 'es', banner: (chunk) => (chunk.name === 'cli' ? '#!/usr/bin/env node' : '') },
  },
  {
    input: 'src/index.ts',
    plugins: [dts({ tsconfig: 'tsconfig.json', includeExternal: ['openstory'] })],
    external: isExternal,
    output: { file: 'dist/index.d.ts', format: 'es' },
  },
  // The replay page's browser script (type-checked by src/viewer/client/tsconfig.json). It runs
  // against the page's rrweb global and inlines the few vocabulary constants it uses, so it bundles to one self-contained IIFE
  // that viewer/route.ts reads from here and serves as /viewer/replay.js.
  {
    input: 'src/viewer/client/replay.ts',
    plugins: [resolve({ browser: true }), esbuild({ target: 'es2019', tsconfig: 'src/viewer/client/tsconfig.json' })],
    output: { file: 'dist/viewer/replay.js', format: 'iife', plugins: [terser({ format: { comments: false } })] },
  },
  // The insights pages' script (viewer/client/insights.ts) with uPlot (MIT) bundled in, so nothing
  // loads from elsewhere; uPlot's stylesheet is copied beside it. viewer/route.ts serves both.
  {
    input: 'src/viewer/client/insights.ts',
    plugins: [
      resolve({ browser: true }),
      esbuild({ target: 'es2019', tsconfig: 'src/viewer/client/tsconfig.json' }),
      {
        name: 'uplot-css',
        generateBundle() {
          const css = readFileSync(createRequire(import.meta.url).resolve('uplot/dist/uPlot.min.css'), 'utf8');
          this.emitFile({ type: 'asset', fileName: 'uplot.css', source: css });
        },
      },
    ],
    output: { dir: 'dist/viewer', entryFileNames: 'insights.js', format: 'iife', plugins: [terser({ format: { comments: false } })] },
  },
];

export default config;
