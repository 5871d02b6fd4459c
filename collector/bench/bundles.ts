import { Agent, request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { fact, type Bundle, type eventWithTime } from 'openstory/vocabulary';
import { UA } from './export-data';

// The ingest benchmarks' load (collector.ts, scale.ts): busy pages' bundles, gzipped as the SDK sends them.

/** Bundles a page sends before the client starts a new page (a few minutes of browsing). */
export const BUNDLES_PER_PAGE = 20;

/** A bundle shaped like a busy page's 5-second batch: mouse moves, mutations, scrolls, inputs and facts. */
export function realisticEvents(start: number, seed: number): eventWithTime[] {
  const events: unknown[] = [];
  for (let i = 0; i < 30; i++) {
    events.push({ type: 3, timestamp: start + i * 100, data: { source: 1, positions: [{ x: (seed * 7 + i * 13) % 1280, y: (i * 29) % 720, id: 12, timeOffset: -40 }, { x: (i * 17) % 1280, y: (i * 31) % 720, id: 12, timeOffset: 0 }] } });
  }
  for (let i = 0; i < 12; i++) {
    events.push({ type: 3, timestamp: start + 50 + i * 300, data: { source: 0, texts: [{ id: 40 + i, value: `Item ${seed}-${i} added` }], attributes: [{ id: 20 + i, attributes: { class: `row row-${i % 3}` } }], removes: [], adds: [{ parentId: 10, nextId: null, node: { type: 2, id: 1000 + seed * 20 + i, tagName: 'li', attributes: { class: 'cart-item' }, childNodes: [] } }] } });
  }
  events.push({ type: 3, timestamp: start + 900, data: { source: 3, id: 1, x: 0, y: seed % 400 } });
  events.push({ type: 3, timestamp: start + 1000, data: { source: 5, id: 33, text: '*****', isChecked: false } });
  events.push(fact('click', { EventTargetText: 'Add to cart', EventTargetSelectorTok: 'html body main button.add%2Dto%2Dcart', EventModFrustrated: 0, EventModDead: seed % 5 === 0 ? 1 : 0, EventModError: 0, x: 100, y: 200 }, start + 1200));
  events.push(fact('console', { PageNumInfos: seed % 7, PageNumWarnings: 0, PageNumErrors: 0 }, start + 1300));
  events.push(fact('duration', { PageDuration: 5000 + seed, PageActiveDuration: 3000, PageMaxScrollDepthPercent: 40 }, start + 1400));
  return events as eventWithTime[];
}

export function clientBundles(client: number, count: number, now: number): Buffer[] {
  const bodies: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const pageNumber = Math.floor(i / BUNDLES_PER_PAGE);
    const seq = i % BUNDLES_PER_PAGE;
    const bundle: Bundle = {
      v: 1, orgId: 'o-demo', userId: `u-bench${client}`, sessionId: 's-1', pageId: `p-c${client}-${pageNumber}`, seq, sentAt: now,
      ...(seq === 0 ? { page: { url: 'https://shop.example/cart', referrer: '', userAgent: UA, screenWidth: 1920, screenHeight: 1080, viewportWidth: 1280, viewportHeight: 720, timeZone: 'UTC', language: 'en', startTime: now } } : {}),
      // The page's last 5-second batches, up to now: ingest refuses events more than a minute ahead.
      events: realisticEvents(now - (count - i) * 5000, i),
    };
    bodies.push(gzipSync(JSON.stringify(bundle)));
  }
  return bodies;
}


export interface Sent { latencies: number[]; errors: number; acknowledged: number }

/**
 * One POST on a kept-alive connection of `agent`: node:http rather than fetch, whose per-request
 * work cost the load generator, on the same two cores as the collector, more CPU than the floor's
 * server (measured here: collector.ts prints the load generator's CPU).
 */
function post(agent: Agent, url: URL, headers: Record<string, string>, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const sent = request(url, { method: 'POST', agent, headers: { 'content-type': 'text/plain;charset=UTF-8', 'content-length': String(body.length), ...headers } }, (response) => {
      response.on('data', () => undefined);
      response.once('end', () => resolve(response.statusCode ?? 0));
      response.once('error', reject);
    });
    sent.once('error', reject);
    sent.end(body);
  });
}

/**
 * Each client posts its bodies one after another on its own kept-alive connection, the clients at
 * once; `target` says where a client's body goes (the collector's URL, and headers such as
 * X-Forwarded-For). Latencies in ms.
 */
export async function sendAll(bodies: Buffer[][], target: (client: number, index: number) => { url: string; headers?: Record<string, string> }): Promise<Sent> {
  const sent: Sent = { latencies: [], errors: 0, acknowledged: 0 };
  await Promise.all(bodies.map(async (clientBodies, client) => {
    // A connection a client: a collector that closes one (a refusal) gets a new one on the next post.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    for (const [index, body] of clientBodies.entries()) {
      const { url, headers = {} } = target(client, index);
      const started = performance.now();
      try {
        if ((await post(agent, new URL(`${url}/rec/bundle?v=1&enc=gzip`), headers, body)) === 200) sent.acknowledged++;
        else sent.errors++;
      } catch {
        sent.errors++;
      }
      sent.latencies.push(performance.now() - started);
    }
    agent.destroy();
  }));
  return sent;
}
