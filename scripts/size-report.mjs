// Prints raw and gzip sizes of the browser bundles after `npm run build`, and fails the build
// when the script-tag bundle exceeds its budget (docs/architecture.md explains the budget).
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { FS_JS_GZIP_BUDGET } from './fs-budget.mjs';

const bundles = ['dist/fs.js', 'dist/canvas.js', 'dist/telemetry.js', 'dist/snippet.min.js', 'dist/index.js', 'dist/index.cjs'];

const rows = bundles.filter(existsSync).map((file) => {
  const raw = readFileSync(file);
  return { file, raw: raw.length, gzip: gzipSync(raw, { level: 9 }).length };
});
const pad = (s, n) => String(s).padStart(n);
console.log('\nbundle                      raw bytes   gzip bytes');
for (const r of rows) console.log(`${r.file.padEnd(26)} ${pad(r.raw, 10)} ${pad(r.gzip, 12)}`);
const fsJs = rows.find((r) => r.file === 'dist/fs.js');
if (fsJs && fsJs.gzip > FS_JS_GZIP_BUDGET) {
  console.error(`\ndist/fs.js is ${fsJs.gzip} bytes gzipped, over its ${FS_JS_GZIP_BUDGET}-byte budget`);
  process.exit(1);
}
console.log(`\ndist/fs.js budget: ${fsJs?.gzip ?? 0} / ${FS_JS_GZIP_BUDGET} bytes gzipped`);
