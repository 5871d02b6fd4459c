import { createHash } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import UAParser from 'ua-parser-js';
import type { IpHandling } from './config';

/** The user-agent derived columns, in the value vocabulary of FullStory's Data Export. */
export interface AgentFields {
  PageBrowser: string;
  PageBrowserVersion: string;
  PageDevice: string;
  PageOperatingSystem: string;
}

/** ua-parser-js 1.x browser names → FullStory's documented PageBrowser values. */
const BROWSERS: Record<string, string> = {
  Chrome: 'Chrome', 'Chrome Headless': 'Chrome', 'Chrome WebView': 'Mobile App', Chromium: 'Chrome', 'Mobile Chrome': 'Chrome',
  Firefox: 'Firefox', 'Mobile Firefox': 'Firefox', Safari: 'Safari', 'Mobile Safari': 'Safari',
  Edge: 'Microsoft Edge', IE: 'Internet Explorer', IEMobile: 'Internet Explorer',
  Opera: 'Opera', 'Opera Mini': 'Opera', 'Opera Mobi': 'Opera', 'Opera Touch': 'Opera', 'Opera GX': 'Opera',
  Yandex: 'Yandex', WebView: 'Mobile App', Facebook: 'Mobile App', Instagram: 'Mobile App', Line: 'Mobile App',
};

/** ua-parser-js 1.x OS names → FullStory's documented PageOperatingSystem values (Android added: "new values may be added"). */
const OPERATING_SYSTEMS: Record<string, string> = {
  'Mac OS': 'OS X', iOS: 'iOS', Windows: 'Windows', 'Windows Phone': 'Windows Phone', 'Windows Mobile': 'Windows Phone',
  'Chromium OS': 'Chrome OS', Android: 'Android', Linux: 'Linux', Ubuntu: 'Linux', Debian: 'Linux', Fedora: 'Linux',
  'Linux Mint': 'Linux', 'Arch': 'Linux', CentOS: 'Linux', Gentoo: 'Linux', RedHat: 'Linux', SUSE: 'Linux',
};

const DESKTOP_SYSTEMS = new Set(['OS X', 'Windows', 'Chrome OS', 'Linux']);

/** Crawler and monitoring agents that ua-parser-js 1.x does not classify. */
const ROBOT = /bot\b|bot\/|crawl|spider|slurp|facebookexternalhit|bingpreview|lighthouse|pingdom|uptime|curl\/|wget\/|python-requests|headless(?!chrome)/i;

export function parseAgent(userAgent: string): AgentFields {
  if (!userAgent) return { PageBrowser: 'Unknown', PageBrowserVersion: '', PageDevice: 'Unknown', PageOperatingSystem: 'Unknown' };
  if (ROBOT.test(userAgent)) return { PageBrowser: 'Robot', PageBrowserVersion: '', PageDevice: 'Robot', PageOperatingSystem: 'Robot' };
  const parsed = UAParser(userAgent);
  const os = (parsed.os.name && OPERATING_SYSTEMS[parsed.os.name]) || 'Unknown';
  const deviceType = parsed.device.type;
  const device =
    deviceType === 'mobile' ? 'Mobile'
    : deviceType === 'tablet' ? 'Tablet'
    : deviceType === undefined && DESKTOP_SYSTEMS.has(os) ? 'Desktop'
    : 'Unknown';
  return {
    PageBrowser: (parsed.browser.name && BROWSERS[parsed.browser.name]) || 'Unknown',
    PageBrowserVersion: parsed.browser.version ?? '',
    PageDevice: device,
    PageOperatingSystem: os,
  };
}

/** Bits of an IPv6 address kept: a /48 is a site, not a household's device. */
const IPV6_KEPT_GROUPS = 3;

function expandIPv6(address: string): string[] {
  const [head, tail = ''] = address.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = address.includes('::') && tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  return [...headGroups, ...Array(Math.max(0, missing)).fill('0'), ...tailGroups];
}

/** The address in its plain form (an IPv4-mapped IPv6 address as IPv4, no zone), or '' if it is none. */
export function plainIp(address: string | undefined): string {
  if (!address) return '';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const candidate = mapped ? mapped[1] : address.replace(/%.*$/, '');
  return isIPv4(candidate) || isIPv6(candidate) ? candidate : '';
}

/** PageIp as stored under the org's `ipHandling` (config.ts); '' means no address is stored. */
export function storedIp(address: string | undefined, handling: IpHandling): string {
  if (handling === 'discard') return '';
  return handling === 'keep' ? plainIp(address) : anonymizeIp(address);
}

/** PageIp anonymized: IPv4 with the last octet zeroed, IPv6 cut to its /48. Anything else is dropped. */
export function anonymizeIp(address: string | undefined): string {
  const candidate = plainIp(address);
  if (isIPv4(candidate)) return candidate.replace(/\.\d+$/, '.0');
  if (isIPv6(candidate)) {
    const groups = expandIPv6(candidate).slice(0, IPV6_KEPT_GROUPS).map((group) => parseInt(group, 16).toString(16));
    return `${groups.join(':')}::`;
  }
  return '';
}

/** Bits kept from a digest: 62, so the id plus one stays a positive signed 64-bit integer (FullStory's int64). */
const NUMERIC_ID_BITS = 62n;

/**
 * The export's integer form of an id. FullStory's ids are 64-bit integers and its export clients
 * (hauser) type UserId, SessionId, PageId and IndvId as BIGINT, so the SDK's string ids are
 * exported as the first 62 bits of SHA-256 over (org, kind, id), plus one: stable, and colliding
 * only around 2^31 ids of one kind. A bigint: beyond 2^53 a JavaScript number would round it, so
 * exports write it by hand (export/json.ts).
 */
export function numericId(orgId: string, kind: 'user' | 'session' | 'page' | 'individual' | 'cluster', id: string): bigint {
  const digest = createHash('sha256').update(`${kind}\0${orgId}\0${id}`).digest();
  return (digest.readBigUInt64BE(0) >> (64n - NUMERIC_ID_BITS)) + 1n;
}

/**
 * IndvId: every user identified with the same UserAppKey belongs to one Individual; an anonymous
 * user is an Individual of its own. Derived, not stored, so an identify() merges past sessions too.
 */
export function individualId(orgId: string, userId: string, userAppKey: string | null): bigint {
  return numericId(orgId, 'individual', userAppKey ? `key:${userAppKey}` : `user:${userId}`);
}
