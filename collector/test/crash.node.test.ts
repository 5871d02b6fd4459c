import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import { factAt, gzipJson, makeBundle, pageMetadata } from './fixtures';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'openstory-crash-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** Runs the real CLI (through tsx) and resolves with its URL once it listens. */
function startCli(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--port', '0', '--data', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve({ child, url: match[1] });
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`collector exited (${code}): ${output}`)));
  });
}

// Recent timestamps: the restarted collector sweeps retention at start.
const NOW = Date.now();
const bundleFor = (index: number) =>
  makeBundle({
    pageId: `p-${index}`,
    sentAt: NOW,
    page: pageMetadata({ startTime: NOW }),
    events: [factAt('custom', { EventCustomName: `order-${index}`, properties: {} }, NOW + index)] as any,
  });

test('SIGKILL right after acknowledgements loses no acknowledged bundle', async () => {
  const { child, url } = await startCli();
  const acknowledged: number[] = [];
  let next = 0;
  let killed = false;
  const TARGET_ACKS = 120;
  // Eight clients keep sending; the collector is killed the moment the target is reached, with requests in flight.
  const client = async () => {
    while (!killed) {
      const index = next++;
      try {
        const response = await fetch(`${url}/rec/bundle?v=1&enc=gzip`, { method: 'POST', body: new Uint8Array(gzipJson(bundleFor(index))) });
        if (response.status === 200 && !killed) {
          acknowledged.push(index);
          if (acknowledged.length >= TARGET_ACKS) {
            killed = true;
            child.kill('SIGKILL');
          }
        }
      } catch {
        // The connection died with the collector: not acknowledged, nothing promised.
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, client));
  await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('exit', resolve)));
  expect(child.signalCode).toBe('SIGKILL');

  const restarted = await startCli();
  const events = await (await fetch(`${restarted.url}/sessions/o-demo.u-alice.s-1/events.json`)).json();
  const stored = new Set(events.map((event: { data: { payload: { EventCustomName: string } } }) => event.data.payload.EventCustomName));
  const lost = acknowledged.filter((index) => !stored.has(`order-${index}`));
  expect(acknowledged.length).toBeGreaterThanOrEqual(TARGET_ACKS);
  expect(lost).toEqual([]);
  restarted.child.kill('SIGTERM');
});
