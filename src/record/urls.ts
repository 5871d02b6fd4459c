/**
 * The replay runs in another document (an about:blank frame of the viewer), so relative URLs
 * are made absolute against the recorded document, as rrweb does. Values that already carry a
 * scheme, protocol-relative URLs and fragment links are left as they are.
 */
const ABSOLUTE_OR_FRAGMENT = /^\s*(?:[a-z][a-z\d+.-]*:|\/\/|#)/i;
export const URL_ATTRIBUTES = new Set(['src', 'href', 'xlink:href', 'background', 'poster', 'action', 'formaction']);
const CSS_URL = /url\(\s*(['"]?)([^'")]*)\1\s*\)/g;

export function resolveUrl(value: string, base: string): string {
  if (!value || ABSOLUTE_OR_FRAGMENT.test(value)) return value;
  try {
    return new URL(value.trim(), base).href;
  } catch {
    return value;
  }
}

export function resolveAttribute(tagName: string, name: string, value: string, doc: Document): string {
  if (URL_ATTRIBUTES.has(name) || (name === 'data' && tagName === 'object')) return value ? resolveUrl(value, doc.baseURI) : value;
  if (name === 'srcset') return resolveSrcset(value, doc.baseURI);
  if (name === 'style' && value.includes('url(')) return resolveCssUrls(value, doc.baseURI);
  return value;
}

/** `srcset` is a comma-separated list of "url descriptor" candidates. */
function resolveSrcset(value: string, base: string): string {
  return value
    .split(',')
    .map((candidate) => {
      const trimmed = candidate.trim();
      const space = trimmed.search(/\s/);
      return space === -1 ? resolveUrl(trimmed, base) : resolveUrl(trimmed.slice(0, space), base) + trimmed.slice(space);
    })
    .join(', ');
}

export function resolveCssUrls(css: string, base: string): string {
  if (!css.includes('url(')) return css;
  return css.replace(CSS_URL, (whole, quote: string, url: string) => {
    const resolved = resolveUrl(url, base);
    return resolved === url ? whole : `url(${quote}${resolved}${quote})`;
  });
}
