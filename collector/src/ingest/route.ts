import type { FastifyInstance, FastifyRequest } from 'fastify';
import { INGEST_PATH, UNKNOWN_STRING } from 'openstory/vocabulary';
import { findOrg, originAllowed, type OrgConfig } from '../config';
import { sendRefusal, type CollectorContext } from '../context';
import { parseAgent, plainIp, storedIp } from '../enrich';
import type { GeoLocation } from '../geo';
import { isRefusal, refuse, type Refusal } from '../refusal';
import type { IngestBatch, IngestConflict, IngestResult } from '../storage/types';
import { correctClock, pageClockOffset } from './clock';
import type { Decoded } from './decode';
import { deriveChanges } from './derive';

/** Browsers cache a preflight answer up to this many seconds (Chromium caps at 7200). */
const PREFLIGHT_MAX_AGE_SECONDS = 600;
/** RFC 9110 token characters: what a header name may be. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
/** More requested headers than any tracing or auth wrapper adds (measured: none adds over 5) means a malformed preflight. */
const MAX_PREFLIGHT_HEADERS = 32;

const tooMany = (retryAfter: number, who: string): Refusal => ({
  ...refuse(429, 'rate-limited', `too many bundles from this ${who}`),
  retryAfter,
});

/**
 * The body decoded in a worker under the per-client budget of decoded bytes and the decode gate of
 * its lane (ingest/lanes.ts). The budget is checked before and charged after (the size is known
 * only then), so an address that sent a large body waits until its budget refills.
 */
async function boundedDecode(request: FastifyRequest, context: CollectorContext): Promise<Decoded | Refusal> {
  const { limiter, limits, decoder } = context;
  const budgetKey = `decode-client:${request.ip}`;
  const wait = limiter.take(budgetKey, limits.inflatedBytesPerClientPerMinute, 0);
  if (wait > 0) return tooMany(wait, 'client');
  const query = request.query as Record<string, string | undefined>;
  if (query.v !== undefined && query.v !== '1') return refuse(400, 'bad-version', 'protocol version 1 expected');
  if (query.enc !== undefined && query.enc !== 'gzip' && query.enc !== 'identity') return refuse(400, 'bad-encoding', 'enc must be gzip or identity');
  const declared = request.headers['content-length'];
  const decoded = await decoder.decode(request.raw, declared === undefined ? undefined : Number(declared), query.enc === 'gzip');
  if (isRefusal(decoded)) return decoded;
  limiter.take(budgetKey, limits.inflatedBytesPerClientPerMinute, decoded.decodedBytes);
  return decoded;
}

const conflict = (refused: IngestConflict): Refusal =>
  refuse(409, refused, refused === 'session-full' ? 'the session holds as many bundles or bytes as the collector stores for one' : 'this pageId belongs to another session');

/** The page's owner, string references, clock correction and the session cap, then the durable commit. */
async function commit(decoded: Decoded, request: FastifyRequest, org: OrgConfig, context: CollectorContext): Promise<IngestResult | Refusal> {
  const { storage, limits, decoder, knownStrings: known } = context;
  const { bundle } = decoded;
  const receivedAt = context.now();
  const owner = await storage.pageOwner(org.id, bundle.pageId);
  if (owner && (owner.userId !== bundle.userId || owner.sessionId !== bundle.sessionId)) return conflict('page-owned-elsewhere');
  if (decoded.references.length > 0) {
    const missing = await known.missing(org.id, bundle.userId, bundle.sessionId, decoded.references);
    if (missing.length > 0) return refuse(400, UNKNOWN_STRING, `no definition of the string ${missing[0]} in this session: send it with the bundle`);
  }
  const clockOffset = pageClockOffset(owner?.clockOffset, receivedAt, bundle.sentAt);
  const corrected = await correctClock(decoded, clockOffset, receivedAt, decoder.shift);
  if (isRefusal(corrected)) return corrected;
  const location = corrected.bundle.page ? context.locate(plainIp(request.ip)) ?? null : null;
  const batch = { ...toBatch(corrected, request, org, receivedAt, location), clockOffset, sessionCap: { bundles: limits.sessionBundles, bytes: limits.sessionBytes } };
  const result = await storage.ingest(deriveChanges(batch));
  if (!result.refused && bundle.strings) known.remember(org.id, bundle.userId, bundle.sessionId, Object.keys(bundle.strings));
  return result.refused ? conflict(result.refused) : result;
}

function toBatch({ bundle, facts }: Pick<Decoded, 'bundle' | 'facts'>, request: FastifyRequest, org: OrgConfig, receivedAt: number, location: GeoLocation | null): IngestBatch {
  const { page } = bundle;
  return {
    orgId: bundle.orgId,
    userId: bundle.userId,
    sessionId: bundle.sessionId,
    pageId: bundle.pageId,
    seq: bundle.seq,
    receivedAt,
    page: page && {
      start: page.startTime,
      url: page.url,
      referrer: page.referrer,
      userAgent: page.userAgent,
      ip: storedIp(request.ip, org.ipHandling),
      // From the full address, whatever ipHandling keeps of it: with `discard` the location is all that remains.
      location,
      agent: parseAgent(page.userAgent),
      screenWidth: page.screenWidth,
      screenHeight: page.screenHeight,
      viewportWidth: page.viewportWidth,
      viewportHeight: page.viewportHeight,
      timeZone: page.timeZone,
      language: page.language,
    },
    events: bundle.events,
    ...(bundle.strings && { strings: bundle.strings }),
    facts,
  };
}

/** A preflight's requested header names, when they are plain header names; content-type otherwise. */
function allowedRequestHeaders(requested: string | string[] | undefined): string {
  const names = String(requested ?? '').toLowerCase().split(',').map((name) => name.trim()).filter(Boolean);
  const valid = names.length > 0 && names.length <= MAX_PREFLIGHT_HEADERS && names.every((name) => HEADER_NAME.test(name));
  return valid ? names.join(', ') : 'content-type';
}

/** The ingest endpoint of docs/protocol.md with its CORS answers. */
export function registerIngest(app: FastifyInstance, context: CollectorContext): void {
  app.register(async (scope) => {
    // The body is read by decodeBundle from the raw stream, under the protocol's caps.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));

    scope.options(INGEST_PATH, async (request, reply) => {
      const origin = request.headers.origin;
      const allowed = origin !== undefined && context.config().orgs.some((org) => originAllowed(org, origin));
      if (!allowed) return reply.code(403).send();
      return reply
        .header('access-control-allow-origin', origin)
        .header('vary', 'Origin')
        .header('access-control-allow-methods', 'POST')
        // Whatever headers the page's fetch adds (a tracing wrapper's x-trace-id): the SDK sends
        // only content-type, but a wrapper the site installed around fetch may add more, and a
        // refused preflight would fail every upload. No credentials are allowed, so this exposes nothing.
        .header('access-control-allow-headers', allowedRequestHeaders(request.headers['access-control-request-headers']))
        .header('access-control-max-age', String(PREFLIGHT_MAX_AGE_SECONDS))
        .code(204)
        .send();
    });

    scope.post(INGEST_PATH, async (request, reply) => {
      const origin = request.headers.origin;
      // Every answer is readable by the page, so a refused client drops its bundle instead of
      // retrying a CORS failure forever; whether the origin may send is decided per org below.
      if (origin) reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
      const { config, limiter } = context;
      const clientWait = limiter.take(`ingest-client:${request.ip}`, config().rateLimit.ingestPerClientPerMinute);
      if (clientWait > 0) return sendRefusal(reply.header('connection', 'close'), tooMany(clientWait, 'client'));

      const decoded = await boundedDecode(request, context);
      if (isRefusal(decoded)) {
        // Refused before or while reading (too large, decode budget spent, decode queue full): the
        // rest of the body is never read, so an attacker's megabytes do not cost us reading them.
        if (decoded.status === 413 || decoded.status === 429 || decoded.status === 503) reply.header('connection', 'close');
        return sendRefusal(reply, decoded);
      }
      const { bundle } = decoded;
      const org = findOrg(config(), bundle.orgId);
      if (!org) return sendRefusal(reply, refuse(403, 'unknown-org', `no org ${bundle.orgId}`));
      if (origin && !originAllowed(org, origin)) return sendRefusal(reply, refuse(403, 'origin-not-allowed', `${origin} may not send to ${org.id}`));
      const orgWait = limiter.take(`ingest-org:${org.id}`, config().rateLimit.ingestPerOrgPerMinute);
      if (orgWait > 0) return sendRefusal(reply, tooMany(orgWait, 'org'));

      const result = await commit(decoded, request, org, context);
      if (isRefusal(result)) return sendRefusal(reply, result);
      return reply.code(200).send(result.duplicate ? { ok: true, duplicate: true } : { ok: true });
    });
  });
}
