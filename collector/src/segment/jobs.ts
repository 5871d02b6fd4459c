import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { ExportRecord, SessionFilters, Storage } from '../storage/types';
import { createEventRows, EVENT_FIELDS, INDIVIDUAL_FIELDS, individualRows, type SegmentRow } from './fields';
import { csvColumns, formatRows } from './format';
import { recordsOf, segmentMembers, usersOf } from './members';
import type { ExportRequest } from './request';

/** Under the data directory: one gzip file per completed export, emptied at start and on close. */
export const EXPORTS_DIR = 'segment-exports';
/**
 * How long a completed export stays downloadable. FullStory does not document its own; ours is
 * short because a loader (hauser) downloads as soon as it reads COMPLETED, and the files take disk.
 */
export const RESULT_TTL_MS = 60 * 60_000;
/** How often expired exports are deleted. */
const SWEEP_MS = 60_000;
/** Exports running at once; later ones wait PENDING (each holds a read connection and a CPU while it runs). */
const MAX_RUNNING = 2;
/** Rows are serialized into chunks of about this many characters before gzip sees them (as the legacy export). */
const CHUNK_CHARS = 64 * 1024;
/** zlib level 1: several times faster than the default for JSON rows that compress ~10x either way. */
const GZIP_LEVEL = 1;
/** Progress is a percentage; 100 is only reported with COMPLETED. */
const MAX_PENDING_PCT = 99;
/** Random bytes behind an export (search export) id. */
const EXPORT_ID_BYTES = 12;

/** An export request with its saved segment's filters (none: the everyone segment). */
export type SegmentExportRequest = ExportRequest & { segment?: SessionFilters };

export interface Operation {
  id: string;
  orgId: string;
  /** FullStory's searchExportId: the id of the results once COMPLETED. */
  exportId: string;
  request: SegmentExportRequest;
  created: number;
  state: 'PENDING' | 'COMPLETED' | 'FAILED';
  estimatePctComplete: number;
  finished?: number;
  /** When the results stop being downloadable (epoch ms), set on completion. */
  expires?: number;
  errorDetails?: string;
  file: string;
}

export interface SegmentExports {
  /** Queues the export and answers its operation at once; it runs in the background. */
  create(orgId: string, operationId: string, request: SegmentExportRequest): Operation;
  operation(orgId: string, operationId: string): Operation | undefined;
  /** The completed, unexpired export of this org with this searchExportId. */
  completed(orgId: string, exportId: string): Operation | undefined;
  /** The completed, unexpired export with this id, whichever org (the signed download URL names no org). */
  download(exportId: string): Operation | undefined;
  /** Stops running exports, then deletes every file. */
  close(): Promise<void>;
}

/** Wraps the rows of an event export so the operation's progress follows the EventStart reached. */
async function* withProgress(records: AsyncIterable<ExportRecord>, operation: Operation, now: number): AsyncGenerator<ExportRecord> {
  const { start, stop } = operation.request;
  let from = start;
  const until = Math.min(stop, now);
  for await (const record of records) {
    if (from === 0) from = record.fact.timestamp;
    const span = until - from;
    operation.estimatePctComplete = span > 0 ? Math.max(0, Math.min(MAX_PENDING_PCT, Math.floor(((record.fact.timestamp - from) / span) * 100))) : 0;
    yield record;
  }
}

async function* mapRows(records: AsyncIterable<ExportRecord>): AsyncGenerator<SegmentRow> {
  const toRow = createEventRows();
  for await (const record of records) yield toRow(record);
}

export function createSegmentExports(options: { dataDir: string; storage: Storage; now(): number }): SegmentExports {
  const { storage, now } = options;
  const dir = join(options.dataDir, EXPORTS_DIR);
  // Files from before a restart belong to operations nobody can complete any more.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const operations = new Map<string, Operation>();
  const byExportId = new Map<string, Operation>();
  const waiting: Operation[] = [];
  const running = new Set<Promise<void>>();
  const abort = new AbortController();

  const rows = (operation: Operation, progress: boolean): AsyncIterable<SegmentRow> => {
    const { orgId, request } = operation;
    const members = request.segment && segmentMembers(storage, orgId, {
      ...request.segment,
      startFrom: Math.max(request.segment.startFrom ?? 0, request.segmentStart),
      startUntil: Math.min(request.segment.startUntil ?? Number.MAX_SAFE_INTEGER, request.segmentStop),
    });
    if (request.type === 'TYPE_INDIVIDUAL') {
      const users = storage.exportUsers(orgId, request.start, request.stop);
      return individualRows(orgId, members ? usersOf(members, users) : users);
    }
    const all = storage.exportRecords(orgId, request.start, request.stop);
    const records = members ? recordsOf(members, all) : all;
    return mapRows(progress ? withProgress(records, operation, now()) : records);
  };

  async function run(operation: Operation): Promise<void> {
    const { request } = operation;
    try {
      const fixed = request.type === 'TYPE_INDIVIDUAL' ? INDIVIDUAL_FIELDS : EVENT_FIELDS;
      const columns = request.format === 'FORMAT_CSV' ? await csvColumns(request.fields, fixed, rows(operation, false)) : [];
      const text = formatRows(rows(operation, true), request.format, request.fields, columns, CHUNK_CHARS);
      await pipeline(Readable.from(text), createGzip({ level: GZIP_LEVEL }), createWriteStream(operation.file), { signal: abort.signal });
      Object.assign(operation, { state: 'COMPLETED', estimatePctComplete: 100, finished: now(), expires: now() + RESULT_TTL_MS });
    } catch (error) {
      rmSync(operation.file, { force: true });
      Object.assign(operation, { state: 'FAILED', finished: now(), errorDetails: `export failed: ${(error as Error).message}` });
    }
  }

  function startWaiting(): void {
    while (running.size < MAX_RUNNING && waiting.length > 0 && !abort.signal.aborted) {
      const job = run(waiting.shift() as Operation).finally(() => {
        running.delete(job);
        startWaiting();
      });
      running.add(job);
    }
  }

  /** Completed exports past their expiry and failed operations as old: forgotten, files deleted. */
  function sweep(): void {
    const cutoff = now();
    for (const operation of operations.values()) {
      const end = operation.expires ?? (operation.state === 'FAILED' ? (operation.finished ?? cutoff) + RESULT_TTL_MS : undefined);
      if (end === undefined || end > cutoff) continue;
      rmSync(operation.file, { force: true });
      operations.delete(operation.id);
      byExportId.delete(operation.exportId);
    }
  }
  const timer = setInterval(sweep, SWEEP_MS);
  timer.unref();

  const unexpired = (operation: Operation | undefined): Operation | undefined =>
    operation?.state === 'COMPLETED' && (operation.expires ?? 0) > now() ? operation : undefined;

  return {
    create(orgId, operationId, request) {
      const exportId = randomBytes(EXPORT_ID_BYTES).toString('base64url');
      const operation: Operation = {
        id: operationId, orgId, exportId, request, created: now(), state: 'PENDING', estimatePctComplete: 0,
        file: join(dir, `${exportId}.gz`),
      };
      operations.set(operationId, operation);
      byExportId.set(exportId, operation);
      waiting.push(operation);
      startWaiting();
      return operation;
    },
    operation: (orgId, operationId) => {
      const operation = operations.get(operationId);
      return operation?.orgId === orgId ? operation : undefined;
    },
    completed: (orgId, exportId) => {
      const operation = unexpired(byExportId.get(exportId));
      return operation?.orgId === orgId ? operation : undefined;
    },
    download: (exportId) => unexpired(byExportId.get(exportId)),
    async close() {
      clearInterval(timer);
      abort.abort();
      waiting.length = 0;
      await Promise.allSettled([...running]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
