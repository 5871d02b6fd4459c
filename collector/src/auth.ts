import { timingSafeEqual } from 'node:crypto';
import type { CollectorConfig, OrgConfig } from './config';

export const sameSecret = (a: string, b: string): boolean => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/**
 * The keys an `Authorization: Basic …` header may carry. FullStory's clients (hauser) send the key
 * itself after "Basic "; curl -u sends base64("user:key"). Both readings are tried.
 */
function keyCandidates(header: string | undefined): string[] {
  const match = /^Basic\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) return [];
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 ? [match[1], decoded.slice(colon + 1)] : [match[1]];
}

/** The org whose API key the request carries, if any. */
export function orgForAuthorization(config: CollectorConfig, header: string | undefined): { org: OrgConfig; key: string } | undefined {
  for (const key of keyCandidates(header)) {
    const org = config.orgs.find((candidate) => candidate.apiKeys.some((known) => sameSecret(known, key)));
    if (org) return { org, key };
  }
  return undefined;
}
