import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { eventWithTime } from '@rrweb/types';
import { INGEST_PATH, type Bundle } from '../../src/protocol';

/** One request as the collector saw it. */
export interface SeenRequest {
  at: number;
  enc: string;
  bytes: number;
  status: number;
  bundle?: Bundle;
}

/** What to answer instead of 200; return null to store the bundle normally. */
export type Answer = { status: number; headers?: Record<string, string>; error?: string } | null;

export interface FakeCollector {
  url: string;
  requests: SeenRequest[];
  /** Stored bundles by `${pageId}:${seq}`: each (pageId, seq) once, as docs/protocol.md requires. */
  stored: Map<string, Bundle>;
  /** Decides the answer for each parsed request before it is stored. */
  answer: (bundle: Bundle, bytes: number) => Answer;
  /** A page's events in (seq, position) order. */
  events(pageId: string): eventWithTime[];
  /** Stops listening (connections are refused) until up(). */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A minimal collector for transport tests, after docs/protocol.md: gunzip, parse, dedupe by
 * (pageId, seq), keep in memory, and answer whatever the test commands. CORS is open to any origin.
 */
export async function startFakeCollector(): Promise<FakeCollector> {
  const requests: SeenRequest[] = [];
  const stored = new Map<string, Bundle>();
  const collector: FakeCollector = {
    url: '',
    requests,
    stored,
    answer: () => null,
    events: (pageId) =>
      [...stored.values()]
        .filter((bundle) => bundle.pageId === pageId)
        .sort((a, b) => a.seq - b.seq)
        .flatMap((bundle) => bundle.events),
    down: async () => {
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
    },
    up: () => new Promise<void>((done) => server.listen(port, '127.0.0.1', done)),
    close: async () => {
      if (server.listening) await collector.down();
    },
  };

  const reply = (res: ServerResponse, origin: string | undefined, status: number, body: object, headers: Record<string, string> = {}) => {
    res.writeHead(status, {
      'content-type': 'application/json',
      'access-control-allow-origin': origin ?? '*',
      'access-control-expose-headers': 'Retry-After',
      ...headers,
    });
    res.end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const origin = req.headers.origin;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-origin': origin ?? '*',
        'access-control-allow-methods': 'POST',
        'access-control-allow-headers': 'content-type',
      });
      return res.end();
    }
    if (req.method !== 'POST' || url.pathname !== INGEST_PATH) return reply(res, origin, 404, { ok: false });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const enc = url.searchParams.get('enc') ?? '';
    const seen: SeenRequest = { at: Date.now(), enc, bytes: raw.length, status: 0 };
    requests.push(seen);
    let bundle: Bundle;
    try {
      bundle = JSON.parse((enc === 'gzip' ? gunzipSync(raw) : raw).toString('utf8')) as Bundle;
    } catch {
      seen.status = 400;
      return reply(res, origin, 400, { ok: false, error: 'bad-json' });
    }
    seen.bundle = bundle;
    const answer = collector.answer(bundle, raw.length);
    if (answer) {
      seen.status = answer.status;
      return reply(res, origin, answer.status, { ok: false, error: answer.error ?? String(answer.status) }, answer.headers);
    }
    const key = `${bundle.pageId}:${bundle.seq}`;
    const duplicate = stored.has(key);
    if (!duplicate) stored.set(key, bundle);
    seen.status = 200;
    reply(res, origin, 200, duplicate ? { ok: true, duplicate: true } : { ok: true });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => res.writeHead(500).end(String(error)));
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  collector.url = `http://127.0.0.1:${port}`;
  return collector;
}
