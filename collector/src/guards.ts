import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import type { CollectorConfig } from './config';
import type { CollectorContext } from './context';
import { refuse, type Refusal } from './refusal';

/**
 * Wrong API keys or viewer keys one client address may try per minute. An API key is 32 random
 * bytes, so guessing is hopeless anyway; the limit keeps a scanner from costing key comparisons
 * and log lines at line rate.
 */
const AUTH_FAILURES_PER_CLIENT_PER_MINUTE = 10;

/**
 * Header every state-changing admin request must carry. A cross-site form or image cannot set a
 * header, and a cross-site fetch that sets one needs a preflight the collector never grants, so a
 * browser holding credentials for the collector cannot be made to regenerate keys or delete users.
 */
export const ADMIN_REQUEST_HEADER = 'x-openstory-admin';

const failureKey = (request: FastifyRequest) => `auth-failure:${request.ip}`;

/** 429 while the client has used up its failed attempts, before any key is compared. */
export function authThrottled(request: FastifyRequest, context: CollectorContext): Refusal | undefined {
  const wait = context.limiter.take(failureKey(request), AUTH_FAILURES_PER_CLIENT_PER_MINUTE, 0);
  return wait > 0 ? { ...refuse(429, 'rate-limited', 'too many failed authentications from this client'), retryAfter: wait } : undefined;
}

export function noteAuthFailure(request: FastifyRequest, context: CollectorContext): void {
  context.limiter.take(failureKey(request), AUTH_FAILURES_PER_CLIENT_PER_MINUTE);
}

/**
 * Whether the viewer may answer a request for this Host. DNS rebinding points an attacker's name at
 * the collector, so the browser sends that name: only names the operator configured, localhost and
 * IP literals (a rebinding page can never be addressed by one) are answered.
 */
export function viewerHostAllowed(host: string | undefined, config: CollectorConfig): boolean {
  if (host === undefined) return false;
  const name = host.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return name === 'localhost' || isIP(name) !== 0 || config.viewerHosts.includes(name);
}
