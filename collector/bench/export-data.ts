import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fact, type eventWithTime } from 'openstory/vocabulary';
import { loadConfig, saveConfig } from '../src/config';
import { deriveChanges } from '../src/ingest/derive';
import { storedEvents } from '../src/ingest/encode';
import { openSqliteStorage } from '../src/storage/sqlite';
import type { Storage } from '../src/storage/types';

/** Shared by the collector benchmarks: a day of export rows in a data directory, and the CLI in a child process. */
export const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
export const EXPORT_DAY = Date.UTC(2026, 0, 5);
const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const FLOOR = fileURLToPath(new URL('./floor.ts', import.meta.url));
const ROWS_PER_BATCH = 500;
const USERS = 2000;

/** A config with no rate limits and a 24-hour period available at once, so one export holds the whole day. */
export function benchConfig(dataDir: string): void {
  const config = loadConfig(dataDir);
  saveConfig(dataDir, {
    ...config,
    orgs: config.orgs.map((org) => ({ ...org, exportPeriodMinutes: 1440, exportDelayMinutes: 0, retentionDays: 3650 })),
    rateLimit: { ingestPerClientPerMinute: 1e9, ingestPerOrgPerMinute: 1e9, apiPerKeyPerMinute: 1e9 },
  });
}

/** `events` export rows (navigate, change, click) over EXPORT_DAY, 500 per page, stored directly (SQLite unless `storage` is given, which is closed after); seconds taken. */
export async function loadExportEvents(dataDir: string, count: number, storage: Storage = openSqliteStorage(dataDir)): Promise<number> {
  const started = performance.now();
  for (let batch = 0; batch * ROWS_PER_BATCH < count; batch++) {
    const user = batch % USERS;
    const start = EXPORT_DAY + Math.floor((batch * ROWS_PER_BATCH * 86_400_000) / count);
    const events = Array.from({ length: Math.min(ROWS_PER_BATCH, count - batch * ROWS_PER_BATCH) }, (_, i) => {
      const at = start + i * 10;
      return i % 4 === 0
        ? fact('navigate', { PageUrl: `https://shop.example/p/${i}`, EventSubType: 'spa', EventModSuspicious: 0 }, at)
        : i % 4 === 1
          ? fact('change', { EventTargetText: '', EventTargetSelectorTok: 'html body form input#q', EventModSuspicious: 0 }, at)
          : fact('click', { EventTargetText: 'Add to cart', EventTargetSelectorTok: 'html body main button.add%2Dto%2Dcart', EventModFrustrated: 0, EventModDead: 0, EventModError: 0 }, at);
    }) as eventWithTime[];
    await storage.ingest(deriveChanges({
      orgId: 'o-demo', userId: `u-${user}`, sessionId: 's-1', pageId: `p-${batch}`, seq: 0, receivedAt: EXPORT_DAY + 86_400_000,
      page: { start, url: 'https://shop.example/', referrer: '', userAgent: UA, ip: '203.0.113.0', agent: { PageBrowser: 'Chrome', PageBrowserVersion: '131.0.0.0', PageDevice: 'Desktop', PageOperatingSystem: 'Windows' }, screenWidth: 1920, screenHeight: 1080, viewportWidth: 1280, viewportHeight: 720, timeZone: 'UTC', language: 'en', location: null },
      ...storedEvents(events),
    }));
  }
  await storage.close();
  return (performance.now() - started) / 1000;
}

/** A server script in a child process (tsx), and its URL once it prints that it listens. */
async function startScript(script: string, args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /listening on (http:\/\/\S+)/.exec(chunk.toString());
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`${script} exited ${code}`)));
  });
  return { child, url };
}

/** The real CLI in a child process, and its URL once it listens. */
export const startCli = (dataDir: string, flags: string[] = []) => startScript(CLI, ['--port', '0', '--data', dataDir, ...flags]);

/** The bare decompress-and-answer endpoint (floor.ts) in a child process. */
export const startFloor = () => startScript(FLOOR, []);

/** A process's peak resident set (VmHWM, Linux), in MiB. */
export function peakRssMiB(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}
