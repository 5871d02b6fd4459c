import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { dirname, join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findOrg } from '../config';
import { sendRefusal, type CollectorContext } from '../context';
import { authThrottled, noteAuthFailure, viewerHostAllowed } from '../guards';
import { ADMIN_SCOPE, canSee, scopeForKey, type ViewerScope } from './access';
import type { SearchParams } from './search-form';
import { saveSegment, searchParams, sessionsResponse } from './sessions';
import { accessKeyPage, parseSessionKey, replayPage, VIEWER_CSS } from './html';
import { eventsPage, parseCursor } from './events-page';
import type { StoredBundle } from '../storage/types';
import { expandBundles, expandedSessionEvents } from '../ingest/session-strings';
import { INSIGHTS_CSS } from './insights';
import { registerInsights } from './insights-route';

const ACCESS_COOKIE = 'openstory_viewer';
/** Largest saved-segment form read: a name and a search's query string. */
const FORM_BODY_LIMIT = 16 * 1024;

/**
 * The viewer's pages load their own scripts only, and by default nothing from elsewhere: recorded
 * images, styles, fonts and media would make the viewer's browser request every URL a recording
 * names (tracking pixels, intranet addresses), so they come only from the org's `replayOrigins`.
 * The replay iframe (about:blank) inherits this policy.
 */
const contentSecurityPolicy = (replayOrigins: string[] = []): string => {
  const remote = replayOrigins.join(' ');
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self' 'unsafe-inline' ${remote}`,
    `img-src 'self' data: blob: ${remote}`,
    `font-src 'self' data: ${remote}`,
    `media-src 'self' data: blob: ${remote}`,
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].map((directive) => directive.trim()).join('; ');
};

/**
 * The browser assets, read once at start-up: rrweb's player bundle and stylesheet from the
 * installed package, and the replay page's own script as the build left it in this package's
 * dist/viewer/replay.js (source: viewer/client/replay.ts), and likewise the insights' script. These files are found through the
 * package's own name (Node's self-reference to "@openstory/collector/package.json"), which leads
 * to the same package root from dist/index.js and from src/viewer/route.ts run under tsx or
 * vitest; from source it therefore needs a prior `npm run build`.
 */
function browserAssets(): { rrwebScript: string; rrwebCss: string; replayScript: string; insightsScript: string; uplotCss: string } {
  const require = createRequire(import.meta.url);
  const rrwebDir = dirname(require.resolve('rrweb'));
  const built = (file: string) => {
    const path = join(dirname(require.resolve('@openstory/collector/package.json')), 'dist/viewer', file);
    if (!existsSync(path)) throw new Error(`the viewer's ${file} is missing at ${path}; build the collector (npm run build)`);
    return readFileSync(path, 'utf8');
  };
  return {
    rrwebScript: readFileSync(join(rrwebDir, 'rrweb.umd.min.cjs'), 'utf8'),
    rrwebCss: readFileSync(join(rrwebDir, 'style.css'), 'utf8'),
    replayScript: built('replay.js'),
    // The insights' charts and click map (viewer/client/insights.ts) with uPlot bundled in, and uPlot's stylesheet.
    insightsScript: built('insights.js'),
    uplotCss: built('uplot.css'),
  };
}

/** Joins per-bundle JSON arrays into one array text, one bundle at a time (backpressure from the socket). */
async function* jsonArray(bundles: AsyncIterable<StoredBundle>): AsyncIterable<string> {
  let first = true;
  yield '[';
  for await (const bundle of bundles) {
    const inner = bundle.events.slice(1, -1);
    if (inner.length === 0) continue;
    yield first ? inner : `,${inner}`;
    first = false;
  }
  yield ']';
}

/**
 * The request comes from the viewer's own page: browsers say so in Sec-Fetch-Site (the viewer's
 * no-referrer policy makes them send `Origin: null` even for its own forms); a client without
 * fetch metadata must send an Origin naming the Host it was sent to.
 */
function sameOrigin(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin';
  try {
    return new URL(request.headers.origin ?? '').host === request.headers.host;
  } catch {
    return false;
  }
}

function cookie(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/** Replay page, session list and their assets. Behind the access key when not on loopback. */
export function registerViewer(app: FastifyInstance, context: CollectorContext): void {
  const assets = browserAssets();

  /** The viewer scope of the request (viewer/access.ts), or undefined once it has been answered 401/421/429. */
  const allowed = (request: FastifyRequest, reply: FastifyReply): ViewerScope | undefined => {
    if (!viewerHostAllowed(request.headers.host, context.config())) {
      reply.code(421).type('text/plain').send('this host name is not one of the viewer\'s (viewerHosts in config.json)');
      return undefined;
    }
    if (!context.viewerNeedsKey) return ADMIN_SCOPE;
    const throttled = authThrottled(request, context);
    if (throttled) {
      sendRefusal(reply, throttled);
      return undefined;
    }
    const given = (request.query as Record<string, string | undefined>).key;
    const givenScope = given === undefined ? undefined : scopeForKey(context.config(), given);
    if (given !== undefined && givenScope) {
      reply.header('set-cookie', `${ACCESS_COOKIE}=${encodeURIComponent(given)}; Path=/; HttpOnly; SameSite=Strict`);
      return givenScope;
    }
    const fromCookie = cookie(request, ACCESS_COOKIE);
    const cookieScope = fromCookie === undefined ? undefined : scopeForKey(context.config(), decodeURIComponent(fromCookie));
    if (cookieScope) return cookieScope;
    if (given !== undefined || fromCookie !== undefined) noteAuthFailure(request, context);
    reply.code(401).type('text/html; charset=utf-8').send(accessKeyPage());
    return undefined;
  };

  const html = (reply: FastifyReply, body: string, replayOrigins?: string[]) =>
    reply.header('content-security-policy', contentSecurityPolicy(replayOrigins)).type('text/html; charset=utf-8').send(body);

  /** The session the URL names, if the scope may see its org: another org's session is as absent as a missing one. */
  const sessionFor = async (request: FastifyRequest, scope: ViewerScope) => {
    const key = parseSessionKey((request.params as { key: string }).key);
    return key && canSee(scope, key.orgId) ? context.storage.getSession(key.orgId, key.userId, key.sessionId) : undefined;
  };

  app.get('/', async (_request, reply) => reply.redirect('/sessions'));
  app.get('/favicon.ico', async (_request, reply) => reply.code(204).send());

  app.get('/sessions', async (request, reply) => {
    const scope = allowed(request, reply);
    if (!scope) return reply;
    return html(reply, await sessionsResponse(context.storage, context.config(), scope, request.query as SearchParams));
  });

  app.register(async (forms) => {
    forms.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_request, body, done) =>
      done(null, searchParams(new URLSearchParams(body as string))));
    forms.post('/segments', async (request, reply) => {
      const scope = allowed(request, reply);
      if (!scope) return reply;
      // A page of another site may post a form here (loopback needs no key): only the viewer's own pages may save.
      if (!sameOrigin(request)) return reply.code(403).type('text/plain').send('cross-origin form refused');
      const saved = await saveSegment(context.storage, scope, (request.body ?? {}) as SearchParams, context.now());
      if ('refusal' in saved) return reply.code(400).type('text/plain').send(saved.refusal);
      return reply.redirect(saved.location, 303);
    });
  });

  app.get('/sessions/:key', async (request, reply) => {
    const scope = allowed(request, reply);
    if (!scope) return reply;
    const session = await sessionFor(request, scope);
    if (!session) return reply.code(404).type('text/plain').send('no such session');
    return html(reply, replayPage(session), findOrg(context.config(), session.orgId)?.replayOrigins);
  });

  app.get('/sessions/:key/events.json', async (request, reply) => {
    const scope = allowed(request, reply);
    if (!scope) return reply;
    const session = await sessionFor(request, scope);
    if (!session) return reply.code(404).send([]);
    // ?limit= (characters of event JSON) and ?after= (the previous page's `next`) page the events, so the replay holds a window of them.
    const { after, limit } = request.query as { after?: string; limit?: string };
    if (limit !== undefined || after !== undefined) {
      const cursor = parseCursor(after);
      if (cursor === null) return reply.code(400).type('text/plain').send('after is not a cursor this route gave');
      // What a player gets is plain rrweb events: string references expanded (docs/protocol.md, "String table").
      const expand = (bundles: StoredBundle[]) => expandBundles(context.storage, session, bundles);
      return reply.type('application/json').send(await eventsPage(context.storage, session, cursor, Number(limit), expand));
    }
    return reply.type('application/json').send(Readable.from(jsonArray(expandedSessionEvents(context.storage, session))));
  });

  app.get('/sessions/:key/facts.json', async (request, reply) => {
    const scope = allowed(request, reply);
    if (!scope) return reply;
    const session = await sessionFor(request, scope);
    if (!session) return reply.code(404).send([]);
    return reply.send(await context.storage.sessionFacts(session.orgId, session.userId, session.sessionId));
  });

  const asset = (path: string, type: string, body: string) =>
    app.get(path, async (_request, reply) => reply.type(type).header('cache-control', 'public, max-age=3600').send(body));
  asset('/viewer/rrweb.js', 'text/javascript; charset=utf-8', assets.rrwebScript);
  asset('/viewer/rrweb.css', 'text/css; charset=utf-8', assets.rrwebCss);
  asset('/viewer/replay.js', 'text/javascript; charset=utf-8', assets.replayScript);
  asset('/viewer/viewer.css', 'text/css; charset=utf-8', VIEWER_CSS);
  asset('/viewer/insights.js', 'text/javascript; charset=utf-8', assets.insightsScript);
  asset('/viewer/insights.css', 'text/css; charset=utf-8', INSIGHTS_CSS);
  asset('/viewer/uplot.css', 'text/css; charset=utf-8', assets.uplotCss);
  registerInsights(app, context, { allowed, html });
}
