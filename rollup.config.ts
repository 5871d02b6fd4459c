import { builtinModules } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import type { RollupOptions, Plugin } from 'rollup';
import resolve from '@rollup/plugin-node-resolve';
import commonjs from '@rollup/plugin-commonjs';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';
import dts from 'rollup-plugin-dts';

const pkg = JSON.parse(readFileSync('./package.json', 'utf8'));
const nodeExternals = [
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
  ...Object.keys(pkg.dependencies ?? {}),
];
const isNodeExternal = (id: string) => nodeExternals.some((dep) => id === dep || id.startsWith(`${dep}/`));

const browserPlugins = (): Plugin[] => [
  resolve({ browser: true }),
  commonjs(),
  esbuild({ target: 'es2019' }),
];
const minify = terser({ compress: { passes: 2 }, format: { comments: false } });

const config: RollupOptions[] = [
  // The script-tag bundle: everything inlined, minified, installs the FS global.
  {
    input: 'src/browser.ts',
    plugins: browserPlugins(),
    output: { file: 'dist/fs.js', format: 'iife', plugins: [minify] },
  },
  // The loader snippet site owners paste into their pages (kept tiny; see docs/install.md).
  {
    input: 'src/api/snippet.ts',
    plugins: browserPlugins(),
    output: { file: 'dist/snippet.min.js', format: 'iife', plugins: [minify] },
  },
  // npm: ESM and CJS. Browser dependencies are inlined so bundlers get the same trimmed code.
  {
    input: 'src/index.ts',
    plugins: browserPlugins(),
    external: ['@rrweb/types'],
    output: [
      { file: 'dist/index.js', format: 'es' },
      { file: 'dist/index.cjs', format: 'cjs' },
    ],
  },
  {
    input: 'src/index.ts',
    plugins: [dts()],
    output: { file: 'dist/index.d.ts', format: 'es' },
  },
  // The collector: Node ESM, dependencies left to node_modules.
  {
    input: { index: 'src/collector/index.ts', cli: 'src/collector/cli.ts' },
    plugins: [resolve({ preferBuiltins: true }), esbuild({ target: 'node20' })],
    external: isNodeExternal,
    output: { dir: 'dist/collector', format: 'es', banner: (chunk) => (chunk.name === 'cli' ? '#!/usr/bin/env node' : '') },
  },
  {
    input: 'src/collector/index.ts',
    plugins: [dts()],
    external: isNodeExternal,
    output: { file: 'dist/collector/index.d.ts', format: 'es' },
  },
];

// Parts land one at a time; an entry whose source does not exist yet is not built.
const entryExists = (options: RollupOptions) => {
  const inputs = typeof options.input === 'string' ? [options.input] : Object.values(options.input ?? {});
  return inputs.every((input) => existsSync(input));
};

export default config.filter(entryExists);
