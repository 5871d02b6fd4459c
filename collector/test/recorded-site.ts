import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Browser, BrowserContext, BrowserContextOptions } from 'playwright-core';
import { launchChromium } from '../../test/helpers/chromium';
import { bundleForBrowser } from '../../test/helpers/bundle';
import { startCollector, startDemoSite, type Collector, type CollectorOptions, type DemoSite } from '../src/index';

/** What a test that records real pages works with: the collector, a site loading the real fs.js, Chromium. */
export interface RecordedSite {
  collector: Collector;
  site: DemoSite;
  browser: Browser;
  /** A browser context whose pages load the snippet from their own site, as a site owner would host it. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
}

/**
 * Starts, before the file's tests, a collector on a fresh data directory (with `options`, e.g. a
 * clock), a site serving `root` with the SDK built from source (fs.js and its snippet), and
 * Chromium; stops and removes them after.
 */
export function useRecordedSite(root: string, options: Omit<CollectorOptions, 'dataDir'> = {}): () => RecordedSite {
  const dataDir = mkdtempSync(join(tmpdir(), 'openstory-recorded-'));
  let collector: Collector | undefined;
  let site: DemoSite | undefined;
  let browser: Browser | undefined;
  let snippet = '';
  beforeAll(async () => {
    collector = await startCollector({ ...options, dataDir });
    const [fsScript, snippetScript] = await Promise.all([bundleForBrowser('src/browser.ts', 'openstoryFs'), bundleForBrowser('src/api/snippet.ts', 'openstorySnippet')]);
    snippet = snippetScript;
    site = await startDemoSite({ root, collectorUrl: collector.url, orgId: collector.config().orgs[0].id, fsScript: async () => fsScript });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await collector?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return () => ({
    collector: collector!,
    site: site!,
    browser: browser!,
    async newContext(options) {
      const context = await browser!.newContext(options);
      await context.route('**/snippet.js', (route) => route.fulfill({ contentType: 'text/javascript', body: snippet }));
      return context;
    },
  });
}
