export interface CookieJar {
  read(name: string): string | null;
  write(name: string, value: string, maxAgeSeconds: number): void;
  remove(name: string): void;
}

/**
 * First-party cookies of the page. `SameSite=Lax` keeps them off cross-site subrequests,
 * `Secure` is set on https pages, and `domain` (e.g. `example.com`) lets sibling subdomains
 * share one user.
 */
export function createCookieJar(doc: Document, domain?: string): CookieJar {
  const secure = doc.location?.protocol === 'https:';
  const attributes = (maxAge: number) =>
    `; Path=/; Max-Age=${maxAge}; SameSite=Lax${domain ? `; Domain=${domain}` : ''}${secure ? '; Secure' : ''}`;
  return {
    read(name) {
      for (const part of doc.cookie.split(';')) {
        const separator = part.indexOf('=');
        if (separator > 0 && part.slice(0, separator).trim() === name) {
          return decodeURIComponent(part.slice(separator + 1).trim());
        }
      }
      return null;
    },
    write(name, value, maxAgeSeconds) {
      doc.cookie = `${name}=${encodeURIComponent(value)}${attributes(Math.round(maxAgeSeconds))}`;
    },
    remove(name) {
      doc.cookie = `${name}=${attributes(0)}`;
    },
  };
}
