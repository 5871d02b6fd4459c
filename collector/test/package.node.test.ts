import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';

// What an operator gets from `npm install @openstory/collector`: the packed tarball, installed into
// an empty folder. `npm test` has built dist/ already, so the pack runs without its prepack build.
// Install scripts are skipped (no better-sqlite3 compile: `--help` opens no database), and
// packages come from npm's cache where `npm ci` left them.
const COLLECTOR = fileURLToPath(new URL('..', import.meta.url));

let server: string;
let files: string[];

const run = (command: string, args: string[], cwd: string) =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

beforeAll(() => {
  server = mkdtempSync(join(tmpdir(), 'openstory-collector-pack-'));
  const [packed] = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', server], COLLECTOR));
  files = packed.files.map((file: { path: string }) => file.path);
  writeFileSync(join(server, 'package.json'), JSON.stringify({ name: 'server', private: true }));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', join(server, packed.filename)], server);
}, 300_000);

afterAll(() => rmSync(server, { recursive: true, force: true }));

test('the tarball holds the built server, its types, the CLI and the viewer browser script, and no sources or tests', () => {
  expect(files).toEqual(expect.arrayContaining(['dist/index.js', 'dist/cli.js', 'dist/index.d.ts', 'dist/viewer/replay.js', 'package.json']));
  expect(files.filter((file) => file.startsWith('src/') || file.startsWith('test/'))).toEqual([]);
  expect(readFileSync(join(COLLECTOR, 'dist/cli.js'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
});

test('the installed package does not need the SDK: the shared vocabulary is inlined', () => {
  const manifest = JSON.parse(readFileSync(join(server, 'node_modules/@openstory/collector/package.json'), 'utf8'));
  expect(Object.keys(manifest.dependencies)).not.toContain('openstory');
  expect(readFileSync(join(server, 'node_modules/@openstory/collector/dist/index.js'), 'utf8')).not.toContain("from 'openstory");
});

test('npx openstory-collector --help runs', () => {
  expect(run('npx', ['--no-install', 'openstory-collector', '--help'], server)).toContain('openstory-collector [--port');
});
