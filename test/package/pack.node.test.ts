import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, test } from 'vitest';

// What a site gets from `npm install openstory`: the packed tarball, installed into an empty
// project. `npm test` builds dist/ first; `prepack` rebuilds it when a maintainer packs by hand,
// so this test packs without scripts instead of rebuilding dist/ under the other tests' feet.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

let app: string;
let tarball: string;

/** Runs a command; a failure carries what it printed (tsc reports its errors on stdout). */
function run(command: string, args: string[], cwd: string): string {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), 'openstory-pack-'));
  const packed = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', app], ROOT));
  tarball = join(app, packed[0].filename);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'site', private: true }));
  run('npm', ['install', '--no-audit', '--no-fund', '--offline', tarball], app);
}, 120_000);

afterAll(() => rmSync(app, { recursive: true, force: true }));

test('the SDK installs alone: no other package, no native addon, no install script', () => {
  const installed = readdirSync(join(app, 'node_modules')).filter((name) => !name.startsWith('.'));
  expect(installed).toEqual(['openstory']);
  const manifest = JSON.parse(readFileSync(join(app, 'node_modules/openstory/package.json'), 'utf8'));
  expect(manifest.dependencies ?? {}).toEqual({});
  expect(manifest.optionalDependencies ?? {}).toEqual({});
  for (const hook of ['preinstall', 'install', 'postinstall']) expect(manifest.scripts[hook]).toBeUndefined();
  expect(existsSync(join(app, 'node_modules/openstory/dist/fs.js'))).toBe(true);
  expect(existsSync(join(app, 'node_modules/openstory/dist/snippet.min.js'))).toBe(true);
  expect(run('find', ['node_modules', '-name', '*.node'], app)).toBe('');
});

test('an app bundle of `import { init } from "openstory"` builds', async () => {
  writeFileSync(join(app, 'app.js'), "import { init } from 'openstory';\nwindow.FS = init({ orgId: 'o-1', host: 'https://c.example' });\n");
  const result = await build({ absWorkingDir: app, entryPoints: ['app.js'], bundle: true, format: 'esm', write: false, logLevel: 'silent' });
  expect(result.errors).toEqual([]);
  expect(result.outputFiles[0].text).toContain('o-1');
});

const USE_SDK = [
  "const FS = init({ orgId: 'o-1', host: 'https://c.example' });",
  "FS.identify('u-1', { displayName: 'Ada', email: 'ada@example.com' });",
  "FS.event('Order Completed', { total_real: 4.5 });",
  'const protocolVersion: number = PROTOCOL_VERSION;',
  'export { protocolVersion };',
].join('\n');

const ESM_IMPORTS = "import { init } from 'openstory';\nimport { PROTOCOL_VERSION } from 'openstory/vocabulary';";
const CJS_IMPORTS = "import sdk = require('openstory');\nimport vocabulary = require('openstory/vocabulary');\nconst { init } = sdk;\nconst { PROTOCOL_VERSION } = vocabulary;";

test.each([
  { resolution: 'bundler', module: 'esnext', file: 'use.ts', imports: ESM_IMPORTS },
  { resolution: 'node16', module: 'node16', file: 'use.mts', imports: ESM_IMPORTS },
  { resolution: 'node16', module: 'node16', file: 'use.cts', imports: CJS_IMPORTS },
])('a .ts file using it type-checks under moduleResolution $resolution ($file)', ({ resolution, module, file, imports }) => {
  const dir = mkdtempSync(join(app, 'ts-'));
  writeFileSync(join(dir, file), `${imports}\n${USE_SDK}`);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, module, moduleResolution: resolution, target: 'es2020', lib: ['es2020', 'dom'], types: [] },
      files: [file],
    }),
  );
  symlinkSync('../node_modules', join(dir, 'node_modules'));
  run(process.execPath, [TSC, '-p', 'tsconfig.json'], dir);
});
