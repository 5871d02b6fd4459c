import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * FullStory's own loader, hauser (github.com/fullstorydev/hauser, MIT), built unmodified from the
 * source tarball in ../shared/tools/hauser beside the repository (CI provides it read-only).
 */
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const HAUSER_TOOLS = join(REPO_ROOT, '..', 'shared', 'tools', 'hauser');
const TARBALL = 'hauser-07b5b46a.tar.gz';
/** Debian's Go packages build.sh compiles against (it installs them with apt; the test never runs apt). */
const GO_DEPENDENCY_PROBE = '/usr/share/gocode/src/github.com/aws/aws-sdk-go';
/** build.sh takes ~75-90 s on two cores; twice that before the build is called stuck. */
export const BUILD_TIMEOUT_MS = 240_000;

const run = promisify(execFile);

const hasGo = async (): Promise<boolean> => run('go', ['version']).then(() => true, () => false);

/**
 * The hauser binary, built once per tarball (cached under node_modules/.cache, keyed by its hash),
 * or why it cannot be: the reason is reported by the test, which is skipped, never silently.
 */
export async function hauserBinary(): Promise<{ path: string } | { skip: string }> {
  const tarball = join(HAUSER_TOOLS, TARBALL);
  if (!existsSync(tarball)) return { skip: `hauser test skipped: ${tarball} is missing (the shared tools folder beside the repository)` };
  const hash = createHash('sha256').update(readFileSync(tarball)).digest('hex').slice(0, 16);
  const outDir = join(REPO_ROOT, 'node_modules', '.cache', `hauser-${hash}`);
  if (existsSync(join(outDir, 'hauser'))) return { path: join(outDir, 'hauser') };
  if (!(await hasGo()) || !existsSync(GO_DEPENDENCY_PROBE)) {
    return { skip: "hauser test skipped: Debian's Go packages are not installed (run .ci/run's install step, or apt-get install golang-go and build.sh's golang-*-dev packages)" };
  }
  mkdirSync(outDir, { recursive: true });
  const { stdout } = await run(join(HAUSER_TOOLS, 'build.sh'), [outDir], { env: { ...process.env, SKIP_APT: '1' }, timeout: BUILD_TIMEOUT_MS });
  return { path: stdout.trim().split('\n').pop() as string };
}

export interface HauserRun {
  /** Resolves once every file exists, or rejects at the deadline with hauser's log. */
  files(names: string[], deadlineMs: number): Promise<void>;
  stop(): void;
}

/** Runs hauser against the collector with local output (CSV, or JSON as downloaded), from `startTime` (an hour boundary). */
export function runHauser(binary: string, options: { dir: string; apiUrl: string; apiKey: string; startTime: Date; json: boolean }): HauserRun {
  const saveDir = join(options.dir, 'out');
  mkdirSync(saveDir, { recursive: true });
  const config = [
    `FsApiToken = "${options.apiKey}"`,
    `ApiURL = "${options.apiUrl}"`,
    'Provider = "local"',
    'Backoff = "1s"',
    'BackoffStepsMax = 2',
    `TmpDir = "${join(options.dir, 'tmp')}"`,
    'ExportDuration = "1h"',
    'ExportDelay = "1h"',
    `SaveAsJson = ${options.json}`,
    `StartTime = ${options.startTime.toISOString().replace('.000Z', 'Z')}`,
    '[local]',
    `SaveDir = "${saveDir}"`,
    'UseStartTime = true',
  ].join('\n');
  writeFileSync(join(options.dir, 'config.toml'), `${config}\n`);
  const child: ChildProcess = spawn(binary, ['-c', join(options.dir, 'config.toml')], { cwd: options.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (chunk) => (log += chunk));
  child.stderr?.on('data', (chunk) => (log += chunk));
  return {
    async files(names, deadlineMs) {
      const deadline = Date.now() + deadlineMs;
      // hauser never exits by itself (it waits for the next window): poll for its output, bounded.
      while (!names.every((name) => existsSync(join(saveDir, name)))) {
        if (child.exitCode !== null) throw new Error(`hauser exited (${child.exitCode}):\n${log}`);
        if (Date.now() > deadline) throw new Error(`hauser did not write ${names.join(', ')} in time:\n${log}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    stop: () => child.kill('SIGKILL'),
  };
}

/** RFC 4180 rows (Go's encoding/csv writes them): quoted cells may hold commas, quotes and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') row.push(cell), (cell = '');
    else if (char === '\n') rows.push([...row, cell.replace(/\r$/, '')]), (row = []), (cell = '');
    else cell += char;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}
