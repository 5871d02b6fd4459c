import type { FastifyReply, FastifyRequest } from 'fastify';
import { orgForAuthorization } from './auth';
import type { OrgConfig } from './config';
import { sendRefusal, type CollectorContext } from './context';
import { authThrottled, noteAuthFailure } from './guards';
import { refuse } from './refusal';

/**
 * The org behind an export/admin request (`Authorization: Basic <api key>`), after the per-client
 * limit on failed attempts and the per-key rate limit; undefined when the answer (401 or 429) has
 * already been sent. The 401 carries no `WWW-Authenticate` challenge: a browser would prompt and
 * then attach the typed key to every later request, cross-site ones included.
 */
export function authorizeApi(request: FastifyRequest, reply: FastifyReply, context: CollectorContext): { org: OrgConfig; key: string } | undefined {
  const throttled = authThrottled(request, context);
  if (throttled) {
    sendRefusal(reply, throttled);
    return undefined;
  }
  const found = orgForAuthorization(context.config(), request.headers.authorization);
  if (!found) {
    noteAuthFailure(request, context);
    sendRefusal(reply, refuse(401, 'unauthorized', 'a valid API key is required (Authorization: Basic <key>)'));
    return undefined;
  }
  const wait = context.limiter.take(`api:${found.key}`, context.config().rateLimit.apiPerKeyPerMinute);
  if (wait > 0) {
    sendRefusal(reply, { ...refuse(429, 'rate-limited', 'too many API calls for this key'), retryAfter: wait });
    return undefined;
  }
  return found;
}
