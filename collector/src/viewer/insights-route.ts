import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findOrg } from '../config';
import type { CollectorContext } from '../context';
import type { ViewerScope } from './access';
import { clickMapPage, dateRange, insightsPage } from './insights';
import { clickMapOf, insightsOf, pageMatcher } from './insights-data';
import { one, type SearchParams } from './search-form';
import { searchOrg } from './sessions';

export interface ViewerPages {
  /** The request's viewer scope, or undefined once it has been answered (viewer/route.ts). */
  allowed(request: FastifyRequest, reply: FastifyReply): ViewerScope | undefined;
  /** Sends a viewer page under the viewer's CSP (with the org's replay origins for a rebuilt recording). */
  html(reply: FastifyReply, body: string, replayOrigins?: string[]): FastifyReply;
}

/**
 * Insights and click maps of one org (docs/viewer.md): the org is the viewer's own (an org key never
 * reaches another org's data, whatever `org` it names) or the admin's choice; every read is bounded
 * by the date range.
 */
export function registerInsights(app: FastifyInstance, context: CollectorContext, { allowed, html }: ViewerPages): void {
  const request = (raw: FastifyRequest, reply: FastifyReply) => {
    const scope = allowed(raw, reply);
    if (!scope) return undefined;
    const params = raw.query as SearchParams;
    return { scope, params, orgId: searchOrg(context.config(), scope, params), range: dateRange(params, context.now()) };
  };

  app.get('/insights', async (raw, reply) => {
    const asked = request(raw, reply);
    if (!asked) return reply;
    const { scope, orgId, range } = asked;
    const data = orgId === undefined ? undefined
      : await insightsOf(orgId, context.storage.clickFacts(orgId, range.from, range.until), context.storage.pageViews(orgId, range.from, range.until), range.from, range.until);
    return html(reply, insightsPage(context.config(), scope, orgId, range, data));
  });

  app.get('/insights/clickmap', async (raw, reply) => {
    const asked = request(raw, reply);
    if (!asked) return reply;
    const { scope, params, orgId, range } = asked;
    const page = one(params.page);
    const data = orgId === undefined || page === undefined ? undefined
      : await clickMapOf(orgId, context.storage.clickFacts(orgId, range.from, range.until), context.storage.pageViews(orgId, range.from, range.until), pageMatcher(page));
    const replayOrigins = orgId === undefined ? undefined : findOrg(context.config(), orgId)?.replayOrigins;
    return html(reply, clickMapPage(context.config(), scope, params, orgId, range, data), replayOrigins);
  });
}
