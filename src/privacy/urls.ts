import type { UrlPrivacyOptions } from './types';

/**
 * Query and fragment parameter names whose values are redacted by default: a name containing
 * any of these (case-insensitive) is taken for a credential, a one-time code or personal data.
 * Sources: OWASP's "Information exposure through query strings in URL" (tokens, session ids,
 * passwords), OAuth 2.0 (RFC 6749: `code`, `access_token`, `state` in redirect URLs) and the
 * personal data sites put in links (email, phone).
 */
export const SECRET_PARAM_PARTS = [
  'token', 'code', 'pass', 'pwd', 'secret', 'key', 'auth', 'session', 'sid', 'email', 'mail',
  'phone', 'ssn', 'sig', 'otp', 'jwt', 'credential', 'state', 'nonce',
];

/** What a redacted value becomes. */
export const REDACTED = 'redacted';

/**
 * `name=value` after `?`, `&`, `;` or `#`: the parameters of a query string or a fragment. A value
 * ends at whitespace, a quote or a parenthesis too, so URLs inside stacks and messages are found.
 */
const PARAMETER = /([?&#;])([^=&#;?\s]+)=([^&#;\s)"']*)/g;

function decode(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' ')).toLowerCase();
  } catch {
    return name.toLowerCase();
  }
}

/**
 * The site's URL rules as one function over text (a URL, a stack trace, an error message): the
 * value of every parameter whose name looks secret is replaced, unless the site allows the name;
 * then every match of the site's patterns is replaced.
 */
export function createUrlRedactor(options: UrlPrivacyOptions = {}): (text: string) => string {
  const parts = [...SECRET_PARAM_PARTS, ...(options.secretParams ?? []).map((name) => String(name).toLowerCase())];
  const allowed = new Set((options.allowParams ?? []).map((name) => String(name).toLowerCase()));
  const patterns = (options.patterns ?? []).flatMap((pattern) => {
    try {
      return [new RegExp(pattern, 'g')];
    } catch {
      return [];
    }
  });
  const secret = (name: string) => !allowed.has(name) && parts.some((part) => name.includes(part));
  return (text) => {
    if (typeof text !== 'string' || !text) return text;
    let out = text.includes('=') ? text.replace(PARAMETER, (whole, separator: string, name: string) => (secret(decode(name)) ? `${separator}${name}=${REDACTED}` : whole)) : text;
    for (const pattern of patterns) out = out.replace(pattern, REDACTED);
    return out;
  };
}
