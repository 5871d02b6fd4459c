import { jsonObject, jsonValue } from '../export/json';
import type { SegmentRow } from './fields';

/** FullStory's Segment Export formats ("Create segment export": FORMAT_JSON, FORMAT_CSV, FORMAT_NDJSON). */
export const FORMATS = ['FORMAT_JSON', 'FORMAT_CSV', 'FORMAT_NDJSON'] as const;
export type Format = (typeof FORMATS)[number];

/** Which fields a row keeps: the request's names, and every custom property under a requested `<prefix>*`. */
export interface FieldSelection {
  /** No `fields` in the request: every field. */
  all: boolean;
  names: string[];
  prefixes: string[];
}

/** Distinct field names whose selection is remembered per export (memory bound). */
const SELECTOR_CACHE_LIMIT = 10_000;

/** Whether a field is selected, remembered per name: a row asks for every one of its ~60 fields. */
export function createSelector(selection: FieldSelection): (name: string) => boolean {
  if (selection.all) return () => true;
  const names = new Set(selection.names);
  const known = new Map<string, boolean>();
  return (name) => {
    let selected = known.get(name);
    if (selected === undefined) {
      if (known.size >= SELECTOR_CACHE_LIMIT) known.clear();
      selected = names.has(name) || selection.prefixes.some((prefix) => name.startsWith(prefix));
      known.set(name, selected);
    }
    return selected;
  };
}

/** A value is written when it is known: null, undefined and non-finite numbers leave the field out. */
const present = (value: unknown): boolean =>
  value !== null && value !== undefined && (typeof value !== 'number' || Number.isFinite(value));

/**
 * Writes rows as JSON objects of their selected, present fields. A row's prototype (an event
 * row's page fields, fields.ts) is serialized once and reused for every row sharing it.
 */
export function createJsonWriter(selected: (name: string) => boolean): (row: SegmentRow) => string {
  const keep = (name: string, value: unknown) => present(value) && selected(name);
  const shared = new WeakMap<object, string>();
  return (row) => {
    const own = jsonObject(row, keep);
    const prototype = Object.getPrototypeOf(row) as SegmentRow | null;
    if (prototype === null || prototype === Object.prototype) return own;
    let inherited = shared.get(prototype);
    if (inherited === undefined) {
      inherited = jsonObject(prototype, keep);
      shared.set(prototype, inherited);
    }
    if (inherited === '{}') return own;
    return own === '{}' ? inherited : `${own.slice(0, -1)},${inherited.slice(1)}`;
  };
}

/** RFC 4180: a cell with a comma, quote or line break is quoted, quotes doubled. */
function csvCell(value: unknown): string {
  if (!present(value)) return '';
  const text = typeof value === 'string' ? value : typeof value === 'object' ? jsonValue(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (cells: unknown[]): string => `${cells.map(csvCell).join(',')}\r\n`;

/** Custom property columns one CSV export discovers at most (FullStory caps custom properties per org; ours per export). */
export const MAX_DISCOVERED_COLUMNS = 1000;

/**
 * The CSV header: the requested names (or every fixed field), then the custom properties under the
 * requested prefixes, found by a first pass over the rows (sorted, at most MAX_DISCOVERED_COLUMNS).
 */
export async function csvColumns(selection: FieldSelection, fixed: readonly string[], rows: AsyncIterable<SegmentRow>): Promise<string[]> {
  const columns = selection.all ? [...fixed] : [...selection.names];
  const prefixes = selection.all ? null : selection.prefixes;
  if (prefixes?.length === 0) return columns;
  const known = new Set(columns);
  const discovered = new Set<string>();
  for await (const row of rows) {
    for (const name in row) {
      if (known.has(name) || discovered.has(name) || !present(row[name])) continue;
      if (prefixes ? prefixes.some((prefix) => name.startsWith(prefix)) : !fixed.includes(name)) discovered.add(name);
    }
    if (discovered.size >= MAX_DISCOVERED_COLUMNS) break;
  }
  return [...columns, ...[...discovered].sort()];
}

/** Rows serialized lazily in the chosen format, in chunks of about `chunkChars` characters. */
export async function* formatRows(rows: AsyncIterable<SegmentRow>, format: Format, selection: FieldSelection, columns: string[], chunkChars: number): AsyncGenerator<string> {
  let chunk = format === 'FORMAT_JSON' ? '[' : format === 'FORMAT_CSV' ? csvLine(columns) : '';
  let first = true;
  const jsonRow = createJsonWriter(createSelector(selection));
  for await (const row of rows) {
    if (format === 'FORMAT_CSV') chunk += csvLine(columns.map((name) => row[name]));
    else if (format === 'FORMAT_NDJSON') chunk += `${jsonRow(row)}\n`;
    else chunk += (first ? '' : ',') + jsonRow(row);
    first = false;
    if (chunk.length >= chunkChars) {
      yield chunk;
      chunk = '';
    }
  }
  yield format === 'FORMAT_JSON' ? `${chunk}]` : chunk;
}
