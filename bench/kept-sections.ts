import { existsSync, readFileSync } from 'node:fs';

/**
 * BENCHMARKS.md holds the recorder results this script generates, then the transport and collector
 * results their own scripts print (bench/transport.ts, collector/bench/collector.ts). Everything from this
 * marker on is kept when the recorder section is rewritten.
 */
export const KEPT_SECTIONS_MARKER = '<!-- sections below are kept by npm run bench -->';

export function keptSections(file: string): string {
  if (!existsSync(file)) return '';
  const text = readFileSync(file, 'utf8');
  const at = text.indexOf(KEPT_SECTIONS_MARKER);
  return at < 0 ? '' : `\n${text.slice(at)}`;
}
