/**
 * The collector's base URL from what a site configured: a full URL is used as is (without a
 * trailing slash), a protocol-relative one takes the page's protocol, and a bare host name
 * (FullStory's `_fs_host` style, e.g. `collector.example.com`) means https.
 */
export function normalizeHost(host: string, pageProtocol = 'https:'): string {
  const trimmed = host.trim().replace(/\/+$/, '');
  if (/^https?:\/\//i.test(trimmed)) return trimmed;
  if (trimmed.startsWith('//')) return `${pageProtocol}${trimmed}`;
  return `https://${trimmed}`;
}
