import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ID_PATTERN } from 'openstory/vocabulary';
import { authorizeApi } from '../api-auth';
import { newSecret, type OrgConfig } from '../config';
import { sendRefusal, type CollectorContext } from '../context';
import { ADMIN_REQUEST_HEADER } from '../guards';
import { refuse } from '../refusal';

const MAX_APP_KEY_CHARS = 2048;

/** The org of an admin request that carries the API key and the admin header (see guards.ts). */
function authorizeAdmin(request: FastifyRequest, reply: FastifyReply, context: CollectorContext) {
  if (request.headers[ADMIN_REQUEST_HEADER] === undefined) {
    sendRefusal(reply, refuse(403, 'admin-header-required', `state-changing admin requests must send the ${ADMIN_REQUEST_HEADER} header`));
    return undefined;
  }
  return authorizeApi(request, reply, context);
}

/** Rewrites one org's entry of config.json (the keys it holds), leaving the other orgs as they are. */
function updateOrg(context: CollectorContext, orgId: string, change: (org: OrgConfig) => OrgConfig): void {
  context.updateConfig((config) => ({ ...config, orgs: config.orgs.map((org) => (org.id === orgId ? change(org) : org)) }));
}

/** User deletion, API and viewer key regeneration, behind the org's API key. */
export function registerAdmin(app: FastifyInstance, context: CollectorContext): void {
  app.delete('/api/v1/users', async (request, reply) => {
    const auth = authorizeAdmin(request, reply, context);
    if (!auth) return reply;
    const { userId, userAppKey } = request.query as Record<string, string | undefined>;
    if ((userId === undefined) === (userAppKey === undefined)) {
      return sendRefusal(reply, refuse(400, 'bad-request', 'give exactly one of userId or userAppKey'));
    }
    if (userId !== undefined && !ID_PATTERN.test(userId)) return sendRefusal(reply, refuse(400, 'bad-request', 'userId is not an id'));
    if (userAppKey !== undefined && (userAppKey.length === 0 || userAppKey.length > MAX_APP_KEY_CHARS)) {
      return sendRefusal(reply, refuse(400, 'bad-request', 'userAppKey is empty or too long'));
    }
    const deleted = await context.storage.deleteUser(auth.org.id, userId !== undefined ? { userId } : { userAppKey: userAppKey as string });
    return reply.send({ ok: true, deleted });
  });

  app.post('/api/v1/keys/regenerate', async (request, reply) => {
    const auth = authorizeAdmin(request, reply, context);
    if (!auth) return reply;
    const apiKey = newSecret('ok_');
    updateOrg(context, auth.org.id, (org) => ({ ...org, apiKeys: [...org.apiKeys.filter((key) => key !== auth.key), apiKey] }));
    return reply.send({ ok: true, apiKey });
  });

  // The org's viewer access: a new key replaces all of the org's viewer keys, so a leaked one (and its cookies) stops working.
  app.post('/api/v1/viewer-keys/regenerate', async (request, reply) => {
    const auth = authorizeAdmin(request, reply, context);
    if (!auth) return reply;
    const viewerKey = newSecret('vk_');
    updateOrg(context, auth.org.id, (org) => ({ ...org, viewerKeys: [viewerKey] }));
    return reply.send({ ok: true, viewerKey });
  });
}
