import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { expect, test } from 'vitest';

// `npm test` builds dist/ first; the script rebuilds fs.js in memory and refuses a dist/fs.js that differs.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

test('npm run size splits every gzip byte of dist/fs.js among the parts, and the rows add up to it', () => {
  const out = execFileSync('node', ['scripts/size-by-part.mjs'], { cwd: ROOT, encoding: 'utf8' });
  const rows = out
    .split('\n')
    .filter((line) => /^\| [^-*]/.test(line) && !line.startsWith('| part '))
    .map((line) => line.split('|').map((cell) => cell.trim()))
    .map(([, part, raw, gzip]) => ({ part, raw: Number(raw), gzip: Number(gzip) }));
  const shipped = readFileSync(`${ROOT}/dist/fs.js`);
  const total = gzipSync(shipped, { level: 9 }).length;

  expect(rows.map((r) => r.part)).toEqual(expect.arrayContaining(['record', 'api', 'transport', 'heuristics', 'page', 'privacy', 'lib']));
  expect(rows.reduce((sum, r) => sum + r.gzip, 0)).toBe(total);
  expect(rows.reduce((sum, r) => sum + r.raw, 0)).toBe(shipped.length);
  expect(out).toContain(`| **total** | **${shipped.length}** | **${total}** | 100% |`);
}, 60_000);
