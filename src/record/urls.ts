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

/**
 * `srcset` is a list of "url descriptors" candidates, split as the HTML standard's srcset parser
 * does: a URL runs to the next whitespace (it may contain commas, as CDN URLs with transformation
 * parameters do) less any trailing commas, which end its candidate; otherwise the descriptors run
 * to the next comma outside parentheses.
 */
function resolveSrcset(value: string, base: string): string {
  const candidates: string[] = [];
  const candidate = /[\s,]*([^\s]+)/y;
  let match: RegExpExecArray | null;
  while ((match = candidate.exec(value))) {
    const url = match[1].replace(/,+$/, '');
    let descriptors = '';
    if (url.length === match[1].length) {
      let depth = 0;
      let end = candidate.lastIndex;
      for (; end < value.length && (depth > 0 || value[end] !== ','); end++) {
        if (value[end] === '(') depth++;
        else if (value[end] === ')') depth--;
      }
      descriptors = value.slice(candidate.lastIndex, end).trim();
      candidate.lastIndex = end;
    }
    candidates.push(descriptors ? `${resolveUrl(url, base)} ${descriptors}` : resolveUrl(url, base));
  }
  return candidates.join(', ');
}

export function resolveCssUrls(css: string, base: string): string {
  if (!css.includes('url(')) return css;
  return css.replace(CSS_URL, (whole, quote: string, url: string) => {
    const resolved = resolveUrl(url, base);
    return resolved === url ? whole : `url(${quote}${resolved}${quote})`;
  });
}
