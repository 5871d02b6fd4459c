import { createReadStream } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { authorizeApi } from '../api-auth';
import { sendRefusal, type CollectorContext } from '../context';
import { isoTime } from '../export/rows';
import { isRefusal, refuse } from '../refusal';
import type { Operation, SegmentExports } from './jobs';
import { EVERYONE_SEGMENT, parseExportRequest } from './request';
import { downloadSignature, downloadSignatureMatches, newOperationId, operationIdIssued } from './sign';

/** How long a download URL works: FullStory's "Get export results" says "typically a 5 minute expiration window". */
const DOWNLOAD_URL_TTL_MS = 5 * 60_000;
/** Largest create body read: hauser's is under 2 KB; a thousand long field names fit. */
const CREATE_BODY_LIMIT = 256 * 1024;

const notFound = (reply: FastifyReply, what: string) => sendRefusal(reply, refuse(404, 'not-found', `unknown ${what} id`));

/** FullStory's "Get operation" answer for a Segment Export. */
function operationBody(operation: Operation) {
  const { id, state, estimatePctComplete, created, finished, expires, exportId, errorDetails, request } = operation;
  return {
    id,
    type: 'SEARCH_EXPORT',
    details: { segmentId: request.segmentId, type: request.type, format: request.format },
    state,
    createdAt: isoTime(created),
    ...(finished === undefined ? {} : { finishedAt: isoTime(finished) }),
    estimatePctComplete,
    ...(state === 'COMPLETED' ? { results: { searchExportId: exportId, expires: isoTime(expires) } } : {}),
    ...(errorDetails === undefined ? {} : { errorDetails }),
  };
}

/**
 * FullStory's Segment Export API (docs/data-export.md): create an export, poll its operation, get
 * a signed download URL. Every success answers 200 exactly (hauser treats any other status as an error).
 */
export function registerSegmentExport(app: FastifyInstance, context: CollectorContext, exports: SegmentExports): void {
  app.register(async (scope) => {
    // hauser sends its JSON body with no Content-Type: read it as text whatever the type.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: CREATE_BODY_LIMIT }, (_request, body, done) => done(null, body));

    scope.post('/segments/v1/exports', async (request, reply) => {
      const auth = authorizeApi(request, reply, context);
      if (!auth) return reply;
      const parsed = parseExportRequest(request.body ?? '');
      if (isRefusal(parsed)) return sendRefusal(reply, parsed);
      // A saved segment's filters are read now: a later edit of the segment does not change a running export.
      const segment = parsed.segmentId === EVERYONE_SEGMENT ? undefined : await context.storage.getSegment(auth.org.id, parsed.segmentId);
      if (parsed.segmentId !== EVERYONE_SEGMENT && !segment) {
        return sendRefusal(reply, refuse(400, 'unknown-segment', `no segment "${parsed.segmentId}" is saved for this org: save one in the viewer`));
      }
      const operation = exports.create(auth.org.id, newOperationId(context.config().exportSecret, auth.org.id), { ...parsed, segment: segment?.filters });
      return reply.code(200).send({ operationId: operation.id });
    });
  });

  app.get('/operations/v1/:id', async (request, reply) => {
    const auth = authorizeApi(request, reply, context);
    if (!auth) return reply;
    const { id } = request.params as { id: string };
    const operation = exports.operation(auth.org.id, id);
    if (operation) return reply.send(operationBody(operation));
    // Issued by this collector but gone: it ran when the process stopped, or it expired. Never PENDING forever.
    if (!operationIdIssued(context.config().exportSecret, auth.org.id, id)) return notFound(reply, 'operation');
    return reply.send({
      id, type: 'SEARCH_EXPORT', state: 'FAILED', estimatePctComplete: 0,
      errorDetails: 'this export was lost (the collector restarted while it ran, or its results expired): create it again',
    });
  });

  app.get('/search/v1/exports/:id/results', async (request, reply) => {
    const auth = authorizeApi(request, reply, context);
    if (!auth) return reply;
    const { id } = request.params as { id: string };
    const operation = exports.completed(auth.org.id, id);
    if (!operation) return notFound(reply, 'export');
    const expires = Math.floor(Math.min(context.now() + DOWNLOAD_URL_TTL_MS, operation.expires ?? 0) / 1000);
    const signature = downloadSignature(context.config().exportSecret, id, expires);
    const location = `${request.protocol}://${request.host}/search/v1/exports/${encodeURIComponent(id)}/download?expires=${expires}&signature=${signature}`;
    return reply.send({ location, expires: isoTime(expires * 1000) });
  });

  // The download carries its own authority (the signed URL): hauser sends no Authorization header to it.
  app.get('/search/v1/exports/:id/download', async (request, reply) => {
    const { id } = request.params as { id: string };
    const query = request.query as { expires?: string; signature?: string };
    const expires = Number(query.expires);
    const signed = Number.isSafeInteger(expires) && typeof query.signature === 'string' &&
      downloadSignatureMatches(context.config().exportSecret, id, expires, query.signature);
    if (!signed || expires * 1000 <= context.now()) {
      return sendRefusal(reply, refuse(403, 'bad-signature', 'this download URL is not valid or has expired: get a new one from /results'));
    }
    const operation = exports.download(id);
    if (!operation) return notFound(reply, 'export');
    const extension = { FORMAT_JSON: 'json', FORMAT_CSV: 'csv', FORMAT_NDJSON: 'ndjson' }[operation.request.format];
    // Raw gzip bytes, no Content-Encoding: hauser gunzips the body itself (an inflating client would hand it plain text).
    return reply
      .header('content-type', 'application/gzip')
      .header('content-disposition', `attachment; filename="${operation.request.segmentId}-${operation.created}.${extension}.gz"`)
      .send(createReadStream(operation.file));
  });
}
