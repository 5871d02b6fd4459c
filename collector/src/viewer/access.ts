import { sameSecret } from '../auth';
import type { CollectorConfig } from '../config';

/**
 * Whom a viewer request is for: the admin (the global `viewerAccessKey`, or anyone on loopback)
 * sees every org; an org's viewer key (`orgs[].viewerKeys`) sees that org alone.
 */
export type ViewerScope = { admin: true } | { admin: false; orgId: string };

export const ADMIN_SCOPE: ViewerScope = { admin: true };

/** The scope a key opens, undefined when it is no viewer key (every key compared in constant time). */
export function scopeForKey(config: CollectorConfig, key: string): ViewerScope | undefined {
  if (sameSecret(key, config.viewerAccessKey)) return ADMIN_SCOPE;
  const org = config.orgs.find((candidate) => candidate.viewerKeys.some((known) => sameSecret(known, key)));
  return org && { admin: false, orgId: org.id };
}

export const canSee = (scope: ViewerScope, orgId: string): boolean => scope.admin || scope.orgId === orgId;

/** The org a scope's queries are limited to; undefined for the admin (all orgs). */
export const scopedOrg = (scope: ViewerScope): string | undefined => (scope.admin ? undefined : scope.orgId);
