/**
 * SQLite's LIKE as plain code, for matching in code what SQL would match with a pattern (the
 * insights' page pattern, viewer/insights-data.ts): `*` any run, the rest literal, case-insensitive.
 */
export function like(pattern: string): (value: unknown) => boolean {
  const source = pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*');
  const regex = new RegExp(`^${source}$`, 'i');
  return (value) => typeof value === 'string' && regex.test(value);
}
