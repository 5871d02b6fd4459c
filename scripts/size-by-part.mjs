// Splits dist/fs.js's gzip size among the parts of src/ (`npm run size`; `--files` lists every
// source file). Method: rebuild the script-tag bundle in memory from rollup.config.ts with a
// source map and check it is byte for byte dist/fs.js; read the gzip stream of those bytes
// (deflate-cost.mjs) for what each minified byte cost; give each byte to the source file the map
// names for it (a mapping covers the bytes up to the next one). A part's figure is the bits of its
// bytes over 8, so the rows add up to the gzip size: bytes no mapping covers are the bundle's own
// wrapper, and gzip's header, trailer and Huffman tables belong to no byte.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import { loadConfigFile } from 'rollup/loadConfigFile';
import { deflateCost } from './deflate-cost.mjs';

const BUNDLE = 'dist/fs.js';
const PARTS = ['record', 'privacy', 'heuristics', 'page', 'api', 'transport', 'lib'];
const UNMAPPED = '(bundle wrapper, unmapped)';
const GZIP_FRAMING = '(gzip header, trailer, Huffman tables)';

/** The fs.js build from rollup.config.ts, generated in memory with a source map. */
async function buildWithMap() {
  const { options } = await loadConfigFile(resolve('rollup.config.ts'), { configPlugin: 'esbuild', silent: true });
  const entry = options.find((o) => o.output.some((out) => out.file === BUNDLE));
  if (!entry) throw new Error(`size-by-part: no output of rollup.config.ts is ${BUNDLE}`);
  const bundle = await rollup(entry);
  const { output } = await bundle.generate({ ...entry.output.find((out) => out.file === BUNDLE), sourcemap: 'hidden' });
  await bundle.close();
  return output.find((chunk) => chunk.type === 'chunk' && chunk.isEntry);
}

/** Which part a source belongs to: a folder of src/, the shared vocabulary, or the package it came from. */
function partOf(source) {
  const path = source.replace(/^(\.\.\/)+/, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (pkg) return `${pkg[1]} (package)`;
  const folder = /^src\/([^/]+)\//.exec(path);
  if (folder && PARTS.includes(folder[1])) return folder[1];
  if (/^src\/(protocol|facts)\.ts$/.test(path)) return 'protocol/facts';
  return path;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Source-map v3 mappings: per generated line, [column, source index or -1] (VLQ, base64). */
function decodeMappings(mappings) {
  let source = 0;
  return mappings.split(';').map((line) => {
    let column = 0;
    return line.split(',').filter(Boolean).map((segment) => {
      const fields = [];
      for (let i = 0, value = 0, shift = 0; i < segment.length; i++) {
        const digit = BASE64.indexOf(segment[i]);
        value += (digit & 31) << shift;
        shift += 5;
        if (digit & 32) continue;
        fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
        value = shift = 0;
      }
      column += fields[0];
      if (fields.length > 1) source += fields[1];
      return [column, fields.length > 1 ? source : -1];
    });
  });
}

/** UTF-8 bytes of one UTF-16 unit; a surrogate pair's four go to its first unit. */
const utf8Bytes = (unit) => (unit < 0x80 ? 1 : unit < 0x800 ? 2 : unit >= 0xdc00 && unit < 0xe000 ? 0 : unit >= 0xd800 && unit < 0xdc00 ? 4 : 3);

/** The source index of every UTF-8 byte of `code` (source-map columns count UTF-16 units). */
function sourceOfEachByte(code, map) {
  const owners = [];
  const lines = code.split('\n');
  decodeMappings(map.mappings).forEach((segments, lineNo) => {
    const line = (lines[lineNo] ?? '') + (lineNo < lines.length - 1 ? '\n' : '');
    let owner = -1, next = 0;
    for (let col = 0; col < line.length; col++) {
      while (next < segments.length && segments[next][0] <= col) owner = segments[next++][1];
      for (let n = utf8Bytes(line.charCodeAt(col)); n > 0; n--) owners.push(owner);
    }
  });
  return owners;
}

const chunk = await buildWithMap();
const shipped = readFileSync(BUNDLE, 'utf8');
if (chunk.code !== shipped) throw new Error(`${BUNDLE} differs from rollup.config.ts's output: run npm run build:sdk first`);
const gzipped = gzipSync(Buffer.from(shipped), { level: 9 });
const { costs, overheadBits } = deflateCost(gzipped);
const owners = sourceOfEachByte(shipped, chunk.map);
if (owners.length !== costs.length) throw new Error('size-by-part: source map and bundle disagree on length');

const byFile = process.argv.includes('--files');
const rows = new Map([[GZIP_FRAMING, { raw: 0, bits: overheadBits }]]);
owners.forEach((owner, i) => {
  const source = owner < 0 ? UNMAPPED : chunk.map.sources[owner];
  const key = byFile || owner < 0 ? source.replace(/^(\.\.\/)+/, '') : partOf(source);
  const row = rows.get(key) ?? rows.set(key, { raw: 0, bits: 0 }).get(key);
  row.raw++;
  row.bits += costs[i];
});

// Whole bytes that still add up to the gzip size: round down, then give the leftover bytes to
// the rows with the largest fractions (largest-remainder rounding).
const list = [...rows].map(([name, r]) => ({ name, raw: r.raw, exact: r.bits / 8, gzip: Math.floor(r.bits / 8) }));
const leftover = gzipped.length - list.reduce((sum, r) => sum + r.gzip, 0);
[...list].sort((a, b) => (b.exact % 1) - (a.exact % 1)).slice(0, leftover).forEach((r) => r.gzip++);
list.sort((a, b) => b.gzip - a.gzip);

const percent = (n) => `${((100 * n) / gzipped.length).toFixed(1)}%`;
console.log(`\n${BUNDLE} by part: gzip bytes each part's minified bytes cost in the gzip stream\n`);
console.log('| part | minified bytes | gzip bytes | share |\n|---|---:|---:|---:|');
for (const r of list) console.log(`| ${r.name} | ${r.raw} | ${r.gzip} | ${percent(r.gzip)} |`);
console.log(`| **total** | **${Buffer.byteLength(shipped)}** | **${gzipped.length}** | 100% |`);
