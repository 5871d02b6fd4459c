import type { FastifyReply, FastifyRequest } from 'fastify';
import { orgForAuthorization } from './auth';
import type { OrgConfig } from './config';
import { sendRefusal, type CollectorContext } from './context';
import { refuse } from './refusal';

/**
 * The org behind an export/admin request (`Authorization: Basic <api key>`), after the per-key
 * rate limit; undefined when the answer (401 or 429) has already been sent.
 */
export function authorizeApi(request: FastifyRequest, reply: FastifyReply, context: CollectorContext): { org: OrgConfig; key: string } | undefined {
  const found = orgForAuthorization(context.config(), request.headers.authorization);
  if (!found) {
    sendRefusal(reply.header('www-authenticate', 'Basic realm="openstory"'), refuse(401, 'unauthorized', 'a valid API key is required (Authorization: Basic <key>)'));
    return undefined;
  }
  const wait = context.limiter.take(`api:${found.key}`, context.config().rateLimit.apiPerKeyPerMinute);
  if (wait > 0) {
    sendRefusal(reply, { ...refuse(429, 'rate-limited', 'too many API calls for this key'), retryAfter: wait });
    return undefined;
  }
  return found;
}
