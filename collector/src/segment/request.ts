import { refuse, type Refusal } from '../refusal';
import { FORMATS, type FieldSelection, type Format } from './format';

/** FullStory's built-in segment of all users; the others are the segments saved in the viewer. */
export const EVERYONE_SEGMENT = 'everyone';
export const EXPORT_TYPES = ['TYPE_EVENT', 'TYPE_INDIVIDUAL'] as const;
export type ExportType = (typeof EXPORT_TYPES)[number];

/** Field names a request may list: FullStory's names, custom properties, and `<prefix>*` wildcards. */
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,511}\*?$/;
/** Fields one request may list (hauser asks for 61; FullStory documents no cap, ours bounds the work per row). */
const MAX_FIELDS = 1000;

/** A segment id: `everyone` or a saved segment's id (viewer/segments.ts makes them). */
const SEGMENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A parsed "Create segment export" body. Time bounds are epoch ms; an empty bound is unbounded. */
export interface ExportRequest {
  segmentId: string;
  /** segmentTimeRange: a saved segment's sessions are those that started in it. */
  segmentStart: number;
  segmentStop: number;
  type: ExportType;
  format: Format;
  start: number;
  stop: number;
  fields: FieldSelection;
}

/** RFC 3339 (what FullStory's TimeRange takes); '' or absent means unbounded. */
function parseTime(value: unknown, unbounded: number): number | undefined {
  if (value === undefined || value === null || value === '') return unbounded;
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function parseRange(value: unknown, name: string): { start: number; stop: number } | Refusal {
  const range = (value ?? {}) as { start?: unknown; end?: unknown };
  if (typeof range !== 'object') return refuse(400, 'bad-request', `${name} must be an object {start, end}`);
  const start = parseTime(range.start, 0);
  const stop = parseTime(range.end, Number.MAX_SAFE_INTEGER);
  if (start === undefined || stop === undefined) return refuse(400, 'bad-request', `${name}.start and ${name}.end must be RFC 3339 times or ''`);
  if (start > stop) return refuse(400, 'bad-request', `${name}.start is after ${name}.end`);
  return { start, stop };
}

function parseFields(value: unknown): FieldSelection | Refusal {
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) return { all: true, names: [], prefixes: [] };
  if (!Array.isArray(value) || value.length > MAX_FIELDS || !value.every((name) => typeof name === 'string' && FIELD_NAME.test(name))) {
    return refuse(400, 'bad-request', `fields must be at most ${MAX_FIELDS} field names (letters, digits, _; a trailing * for a prefix)`);
  }
  const names = value as string[];
  return {
    all: false,
    names: [...new Set(names.filter((name) => !name.endsWith('*')))],
    prefixes: names.filter((name) => name.endsWith('*')).map((name) => name.slice(0, -1)),
  };
}

/** The body as hauser sends it (JSON, whatever the Content-Type), checked field by field. */
export function parseExportRequest(body: unknown): ExportRequest | Refusal {
  let input: Record<string, unknown>;
  try {
    input = typeof body === 'string' ? JSON.parse(body) : (body as Record<string, unknown>);
  } catch {
    return refuse(400, 'bad-json', 'the body must be JSON');
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return refuse(400, 'bad-json', 'the body must be a JSON object');
  if (typeof input.segmentId !== 'string' || !SEGMENT_ID.test(input.segmentId)) {
    return refuse(400, 'unknown-segment', `segmentId must be "${EVERYONE_SEGMENT}" or the id of a segment saved in the viewer`);
  }
  if (!EXPORT_TYPES.includes(input.type as ExportType)) return refuse(400, 'bad-request', `type must be one of ${EXPORT_TYPES.join(', ')}`);
  if (!FORMATS.includes(input.format as Format)) return refuse(400, 'bad-request', `format must be one of ${FORMATS.join(', ')}`);
  const range = parseRange(input.timeRange, 'timeRange');
  if ('status' in range) return range;
  // The everyone segment matches every user whatever its time range; a saved one, the sessions that started in it.
  const segmentRange = parseRange(input.segmentTimeRange, 'segmentTimeRange');
  if ('status' in segmentRange) return segmentRange;
  const fields = parseFields(input.fields);
  if ('status' in fields) return fields;
  return {
    segmentId: input.segmentId, segmentStart: segmentRange.start, segmentStop: segmentRange.stop,
    type: input.type as ExportType, format: input.format as Format, ...range, fields,
  };
}
