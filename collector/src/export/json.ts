/**
 * JSON written by hand for export rows: ids are bigints (64-bit, which a JavaScript number would
 * round beyond 2^53) and JSON.stringify refuses bigints; everything else is written as
 * JSON.stringify writes it.
 */
export function jsonValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint') return Number.isFinite(Number(value)) ? value.toString() : 'null';
  return JSON.stringify(value) ?? 'null';
}

/** An object's own fields as JSON, those `keep` accepts (all by default), in the object's order. */
export function jsonObject(row: Record<string, unknown>, keep: (name: string, value: unknown) => boolean = () => true): string {
  let text = '';
  for (const name of Object.keys(row)) {
    const value = row[name];
    if (!keep(name, value)) continue;
    text += `${text ? ',' : '{'}${JSON.stringify(name)}:${jsonValue(value)}`;
  }
  return text ? `${text}}` : '{}';
}
