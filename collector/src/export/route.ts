import { pipeline, Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { authorizeApi } from '../api-auth';
import { findOrg } from '../config';
import { sendRefusal, type CollectorContext } from '../context';
import { refuse } from '../refusal';
import type { ExportRecord } from '../storage/types';
import { availableUntil, bundleRef, LIST_LIMIT, periodMs, periodOfId, retainedFrom } from './periods';
import { createRowSerializer } from './rows';

/** Rows are serialized into chunks of about this many characters before gzip sees them. */
const CHUNK_CHARS = 64 * 1024;
/** zlib level: 1 is several times faster than the default 6 for JSON rows that compress ~10x either way. */
const GZIP_LEVEL = 1;

/** The bundle as JSON array text, produced lazily as the reader pulls. */
async function* serialize(records: AsyncIterable<ExportRecord>): AsyncGenerator<string> {
  const serializeRow = createRowSerializer();
  let chunk = '[';
  let first = true;
  for await (const record of records) {
    chunk += (first ? '' : ',') + serializeRow(record);
    first = false;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  yield `${chunk}]`;
}

/** The two calls of FullStory's export API, under /api/v1 (hauser's base URL). */
export function registerExport(app: FastifyInstance, context: CollectorContext): void {
  app.get('/api/v1/export/list', async (request, reply) => {
    const auth = authorizeApi(request, reply, context);
    if (!auth) return reply;
    const start = Number((request.query as Record<string, string>).start);
    if (!Number.isSafeInteger(start) || start < 0) return sendRefusal(reply, refuse(400, 'bad-request', 'start must be unix seconds'));
    const { org } = auth;
    const now = context.now();
    const length = periodMs(org);
    const from = Math.max(Math.floor((start * 1000) / length) * length, Math.ceil(retainedFrom(org, now) / length) * length);
    const until = Math.floor(availableUntil(org, now) / length) * length;
    const starts = from < until ? await context.storage.exportPeriods(org.id, from, until, length, LIST_LIMIT) : [];
    return reply.send({ exports: starts.map((periodStart) => bundleRef(periodStart, org.exportPeriodMinutes)) });
  });

  app.get('/api/v1/export/get', async (request, reply) => {
    const auth = authorizeApi(request, reply, context);
    if (!auth) return reply;
    const org = findOrg(context.config(), auth.org.id) ?? auth.org;
    const period = periodOfId(Number((request.query as Record<string, string>).id));
    if (!period) return sendRefusal(reply, refuse(400, 'bad-request', 'id is not an export bundle id'));
    const now = context.now();
    if (period.stop > availableUntil(org, now) || period.stop <= retainedFrom(org, now)) {
      return sendRefusal(reply, refuse(404, 'not-available', 'this bundle is not available (too recent or past retention)'));
    }
    // pipeline destroys the row reader (closing its database connection) if the client goes away.
    const body = pipeline(Readable.from(serialize(context.storage.exportRecords(org.id, period.start, period.stop))), createGzip({ level: GZIP_LEVEL }), () => {});
    // Always gzip with Content-Encoding, as FullStory answers: a Go client (hauser) with its default
    // transport receives the JSON already inflated, one with DisableCompression reads the gzip bytes.
    return reply
      .header('content-type', 'application/json')
      .header('content-encoding', 'gzip')
      .header('content-disposition', `attachment; filename="export-${period.start / 1000}.json"`)
      .send(body);
  });
}
