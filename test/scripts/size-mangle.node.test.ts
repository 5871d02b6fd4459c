import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { MANGLED_PROPERTIES, mangleProperties } from '../../scripts/size-mangle.mjs';

// `npm test` builds dist/ first: dist/index.d.ts is the public API, init options and wire types.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(`${ROOT}/${path}`, 'utf8');
const sources = (dir: string): string[] =>
  readdirSync(`${ROOT}/${dir}`, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => read(`${dir}/${file}`));
const TS_LIB = 'node_modules/typescript/lib';
const browserTypes = readdirSync(`${ROOT}/${TS_LIB}`)
  .filter((file) => /^lib\.(dom|webworker|es\d+|esnext).*\.d\.ts$/.test(file))
  .map((file) => read(`${TS_LIB}/${file}`))
  .join('\n');
const word = (name: string) => new RegExp(`\\b${name}\\b`);

test('no mangled name is a browser, public-API or wire name, or used where objects leave fs.js', () => {
  const outside = [
    browserTypes,
    read('dist/index.d.ts'),
    ...sources('src/record'),
    ...sources('src/transport'),
    read('src/protocol.ts'),
    read('src/facts.ts'),
    // Minified on its own, dist/telemetry.js reads the objects fs.js hands it by their names.
    read('dist/telemetry.js'),
  ].join('\n');
  expect(MANGLED_PROPERTIES.filter((name) => word(name).test(outside))).toEqual([]);
});

test('no mangled name is reached by a string key, which terser would leave unrenamed', () => {
  // Omit<…, 'name'> and Pick<…, 'name'> are types, erased before terser runs.
  const code = sources('src')
    .join('\n')
    .split('\n')
    .filter((line) => !/\b(Omit|Pick)</.test(line))
    .join('\n');
  expect(MANGLED_PROPERTIES.filter((name) => new RegExp(`['"]${name}['"]|\\[\`${name}\``).test(code))).toEqual([]);
});

test('the regex renames the listed names whole and nothing else', () => {
  expect(MANGLED_PROPERTIES.every((name) => mangleProperties.regex.test(name))).toBe(true);
  expect(['setPageVarsX', 'xedit', 'safetyNet', 'message'].some((name) => mangleProperties.regex.test(name))).toBe(false);
});
