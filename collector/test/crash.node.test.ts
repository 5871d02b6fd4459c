import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { startCli } from './cli';
import { factAt, gzipJson, makeBundle, pageMetadata } from './fixtures';

const dataDir = mkdtempSync(join(tmpdir(), 'openstory-crash-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function startCollector(): Promise<{ child: ChildProcess; url: string }> {
  const started = await startCli(dataDir);
  children.push(started.child);
  return started;
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
  const { child, url } = await startCollector();
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

  const restarted = await startCollector();
  const events = await (await fetch(`${restarted.url}/sessions/o-demo.u-alice.s-1/events.json`)).json();
  const stored = new Set(events.map((event: { data: { payload: { EventCustomName: string } } }) => event.data.payload.EventCustomName));
  const lost = acknowledged.filter((index) => !stored.has(`order-${index}`));
  expect(acknowledged.length).toBeGreaterThanOrEqual(TARGET_ACKS);
  expect(lost).toEqual([]);
  restarted.child.kill('SIGTERM');
});
