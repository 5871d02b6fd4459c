/**
 * Entries an export streams past (a page's context, a user, a URL's cluster) are looked up once
 * and kept; past `limit` entries the cache starts over, so memory stays bounded for any export
 * while rows of one page, which arrive close together, still hit. `load` may answer null (a page
 * that no longer exists): that answer is kept too.
 */
export function boundedCache<K, V>(limit: number): (key: K, load: () => V) => V {
  const entries = new Map<K, V>();
  return (key, load) => {
    if (entries.has(key)) return entries.get(key) as V;
    if (entries.size >= limit) entries.clear();
    const value = load();
    entries.set(key, value);
    return value;
  };
}
