import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fact, type FactPayloads, type FactTag } from 'openstory/vocabulary';
import type { Bundle, PageMetadata } from 'openstory/vocabulary';
import { startCollector, type Collector, type CollectorConfig, type CollectorOptions, type Storage } from '../src/index';
import { loadConfig, saveConfig } from '../src/config';

export const ORG = 'o-demo';
export const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
/**
 * The clock of test collectors and of the bundles' sentAt: two hours after T0, when exports of the
 * recorded periods are available. Equal clocks on both sides: no skew correction (see clock.ts).
 */
export const TEST_NOW = T0 + 2 * 3600_000;
export const CHROME_UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

export function pageMetadata(overrides: Partial<PageMetadata> = {}): PageMetadata {
  return {
    url: 'https://shop.example/cart',
    referrer: 'https://search.example/?q=shoes',
    userAgent: CHROME_UA,
    screenWidth: 1920,
    screenHeight: 1080,
    viewportWidth: 1280,
    viewportHeight: 720,
    timeZone: 'Europe/Paris',
    language: 'fr-FR',
    startTime: T0,
    ...overrides,
  };
}

/** A small but real rrweb recording start: Meta + FullSnapshot of `<html><body><h1>text</h1></body></html>`. */
export function recordingStart(text = 'Hello replay', at = T0 + 10) {
  return [
    { type: 4, timestamp: at, data: { href: 'https://shop.example/cart', width: 1280, height: 720 } },
    {
      type: 2,
      timestamp: at + 1,
      data: {
        initialOffset: { top: 0, left: 0 },
        node: {
          type: 0, id: 1, childNodes: [
            { type: 1, id: 2, name: 'html', publicId: '', systemId: '' },
            { type: 2, id: 3, tagName: 'html', attributes: {}, childNodes: [
              { type: 2, id: 4, tagName: 'head', attributes: {}, childNodes: [] },
              { type: 2, id: 5, tagName: 'body', attributes: { style: 'background:#fff;font:32px sans-serif' }, childNodes: [
                { type: 2, id: 6, tagName: 'h1', attributes: { id: 'title' }, childNodes: [{ type: 3, id: 7, textContent: text }] },
                { type: 2, id: 8, tagName: 'button', attributes: { onclick: 'window.parent.__pwned = true' }, childNodes: [{ type: 3, id: 9, textContent: 'Pay now' }] },
              ] },
            ] },
          ],
        },
      },
    },
  ];
}

export const factAt = <T extends FactTag>(tag: T, payload: FactPayloads[T], at: number) => fact(tag, payload, at);

export function makeBundle(overrides: Partial<Bundle> = {}): Bundle {
  const seq = overrides.seq ?? 0;
  return {
    v: 1,
    orgId: ORG,
    userId: 'u-alice',
    sessionId: 's-1',
    pageId: 'p-1',
    seq,
    sentAt: TEST_NOW,
    ...(seq === 0 ? { page: pageMetadata() } : {}),
    events: [],
    ...overrides,
  } as Bundle;
}

/** A session's stored events, read through the streaming storage method. */
export async function sessionEvents(storage: Storage, orgId: string, userId: string, sessionId: string): Promise<any[]> {
  const events: any[] = [];
  for await (const bundle of storage.sessionEvents(orgId, userId, sessionId)) events.push(...JSON.parse(bundle.events));
  return events;
}

export const gzipJson = (value: unknown): Buffer => gzipSync(Buffer.from(JSON.stringify(value)));

export interface TestCollector extends Collector {
  dataDir: string;
  apiKey: string;
  post(body: Buffer | string, query?: string, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  send(bundle: Bundle): Promise<{ status: number; body: any; headers: Headers }>;
  api(path: string, init?: RequestInit): Promise<Response>;
  dispose(): Promise<void>;
}

/** A collector on 127.0.0.1 with an OS-picked port and a fresh data directory. */
export async function startTestCollector(
  options: Partial<CollectorOptions> & { configure?: (config: CollectorConfig) => CollectorConfig } = {},
  dataDir = mkdtempSync(join(tmpdir(), 'openstory-')),
): Promise<TestCollector> {
  if (options.configure) saveConfig(dataDir, options.configure(loadConfig(dataDir)));
  const collector = await startCollector({ dataDir, now: () => TEST_NOW, ...options });
  const apiKey = JSON.parse(readFileSync(join(dataDir, 'config.json'), 'utf8')).orgs[0].apiKeys[0] as string;
  const post: TestCollector['post'] = async (body, query = 'v=1&enc=gzip', headers = {}) => {
    const response = await fetch(`${collector.url}/rec/bundle?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', ...headers },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
  };
  return {
    ...collector,
    dataDir,
    apiKey,
    post,
    send: (bundle) => post(gzipJson(bundle)),
    api: (path, init = {}) =>
      fetch(`${collector.url}${path}`, { ...init, headers: { authorization: `Basic ${apiKey}`, ...(init.headers as Record<string, string>) } }),
    async dispose() {
      await collector.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Export ids are 64-bit integers: parsed as bigints from the text, where JSON.parse would round them. */
const ID_FIELDS = /"(IndvId|UserId|SessionId|PageId|PageClusterId)":(\d+)/g;
export function parseExportJson(text: string): any {
  return JSON.parse(text.replace(ID_FIELDS, '"$1":"#$2"'), (_key, value) =>
    typeof value === 'string' && /^#\d+$/.test(value) ? BigInt(value.slice(1)) : value,
  );
}
