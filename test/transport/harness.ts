import type { BrowserContext, Page } from 'playwright-core';
import { bundleForBrowser } from '../helpers/bundle';
import type { TestServer } from '../helpers/server';
import type { TransportOptions, TransportUsage } from '../../src/transport';

/** What a test may set on the page's transport (functions are supplied by the page). */
export type PageTransportConfig = Pick<TransportOptions, 'caps' | 'thresholds' | 'backoff' | 'persist'> & {
  host: string;
  pageId: string;
  /** Defaults to o-test (the fake collector takes any). */
  orgId?: string;
  /** Defaults to s-test. */
  sessionId?: string;
};

declare global {
  interface Window {
    openstoryTransport: typeof import('../../src/transport');
    transport: ReturnType<typeof import('../../src/transport').startTransport>;
    startTestTransport(config: PageTransportConfig): void;
    /** Pushes a Custom test event carrying `n` and `padding` characters of hard-to-compress text. */
    emit(n: number, padding?: number): void;
  }
}

const PAGE = `<!doctype html><title>transport test</title><script src="/transport.js"></script><script>
  window.startTestTransport = (config) => {
    window.transport = openstoryTransport.startTransport({
      orgId: 'o-test',
      ...config,
      identity: () => ({ userId: 'u-test', sessionId: config.sessionId || 's-test', pageId: config.pageId }),
      page: { url: location.href, referrer: document.referrer, userAgent: navigator.userAgent,
        screenWidth: screen.width, screenHeight: screen.height, viewportWidth: innerWidth, viewportHeight: innerHeight,
        timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone, language: navigator.language, startTime: Date.now() },
    });
  };
  window.emit = (n, padding = 0) => {
    let text = '';
    while (text.length < padding) text += Math.random().toString(36).slice(2);
    transport.push({ type: 5, timestamp: Date.now(), data: { tag: 'test', payload: { n, text: text.slice(0, padding) } } });
  };
</script>`;

export async function servePage(server: TestServer): Promise<void> {
  server.pages.set('/transport.js', await bundleForBrowser('src/transport/index.ts', 'openstoryTransport'));
  server.pages.set('/', PAGE);
}

export async function openPage(context: BrowserContext, server: TestServer, config: PageTransportConfig): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  await page.evaluate((config) => window.startTestTransport(config), config);
  return page;
}

export const usage = (page: Page): Promise<TransportUsage> => page.evaluate(() => window.transport.usage());

/** Encoded bytes the transport holds in IndexedDB, measured from the database itself. */
export const storedBytes = (page: Page): Promise<number> =>
  page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('openstory');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('transport').objectStore('transport').getAll();
          all.onsuccess = () => {
            resolve((all.result as Array<{ body?: Uint8Array }>).reduce((sum, value) => sum + (value.body?.byteLength ?? 0), 0));
            open.result.close();
          };
        };
      }),
  );

/** Polls until `check` holds or the time is up; returns whether it held. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 20_000, stepMs = 100): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
  return check();
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The `n` of each test event, in the order the collector stored them. */
export function numbers(events: Array<{ type: number; data: unknown }>): number[] {
  return events
    .filter((event) => event.type === 5 && (event.data as { tag: string }).tag === 'test')
    .map((event) => (event.data as { payload: { n: number } }).payload.n);
}

export const range = (count: number) => Array.from({ length: count }, (_, index) => index);
