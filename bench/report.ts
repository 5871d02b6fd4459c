/** Turns measured runs into BENCHMARKS.md (tables per workload, targets, environment). */
import { FS_JS_GZIP_BUDGET } from '../scripts/fs-budget.mjs';

export type RecorderName = 'none' | 'rrweb' | 'openstory' | 'floor' | 'minimal';

/**
 * Table order. With --floor: `floor` (a bare MutationObserver) on every workload, and `minimal`
 * (bench/recorders.ts) on the attributes workload, the only one it records.
 */
export const RECORDERS: readonly RecorderName[] = ['none', 'floor', 'minimal', 'rrweb', 'openstory'];

const LABELS: Record<RecorderName, string> = {
  none: 'none',
  floor: 'MutationObserver alone',
  minimal: 'minimal attribute recorder (reference)',
  rrweb: 'rrweb',
  openstory: 'openstory (ours)',
};

export interface RunResult {
  workMs: number;
  lastEventMs: number;
  /** Until the first task after the frame that follows the workload. */
  paintedMs: number;
  /** The later of lastEventMs and paintedMs: what the tables report as ms. */
  doneMs: number;
  events: number;
  workloadEvents: number;
  bytes: number;
  snapshotBytes: number;
  /** Of `bytes`, the frames of Mutation events that continue a batch cut in parts (bench/probe.js). */
  framingBytes: number;
  timedOut: boolean;
}

export interface WorkloadResults {
  workload: string;
  runs: Partial<Record<RecorderName, RunResult[]>>;
  failures: string[];
}

export interface Environment {
  date: string;
  chromium: string;
  cpus: string;
  node: string;
  runs: number;
  fsJs?: { raw: number; gzip: number };
  notes: string[];
}

/**
 * Issue 19's targets: added time at most 0.4x rrweb's on five workloads; on the attributes workload
 * at most 0.6x rrweb's and, when `--floor` measured it, no more than the minimal reference
 * recorder's (half of rrweb's time there is below what any recorder of rrweb's schema pays on a
 * fresh page: docs/benchmarks.md). Bytes no more than rrweb's.
 */
export const TARGET_ADDED_TIME_RATIO = 0.4;
export const ATTRIBUTES_WORKLOAD = 'dom-mutation-attributes';
export const TARGET_ATTRIBUTES_TIME_RATIO = 0.6;
export const TARGET_BYTES_RATIO = 1;

const timeTarget = (workload: string) => (workload === ATTRIBUTES_WORKLOAD ? TARGET_ATTRIBUTES_TIME_RATIO : TARGET_ADDED_TIME_RATIO);

export function median(values: number[]): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export interface Summary {
  ms: number;
  minMs: number;
  maxMs: number;
  lastEventMs: number;
  bytes: number;
  framingBytes: number;
  workloadEvents: number;
  runs: number;
}

export function summarize(runs: RunResult[] | undefined): Summary | undefined {
  if (!runs?.length) return undefined;
  const ms = runs.map((run) => run.doneMs);
  return {
    ms: median(ms),
    minMs: Math.min(...ms),
    maxMs: Math.max(...ms),
    lastEventMs: median(runs.map((run) => run.lastEventMs)),
    bytes: median(runs.map((run) => run.bytes)),
    framingBytes: median(runs.map((run) => run.framingBytes ?? 0)),
    workloadEvents: median(runs.map((run) => run.workloadEvents)),
    runs: runs.length,
  };
}

const fmt = (value: number | undefined, digits = 1) =>
  value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits);
const count = (bytes: number | undefined) => (bytes === undefined ? '–' : Math.round(bytes).toLocaleString('en-US'));

export interface Verdict {
  workload: string;
  addedOurs?: number;
  addedRrweb?: number;
  timeRatio?: number;
  /** The same ratio from each recorder's fastest run: the run least disturbed by other load. */
  bestRunTimeRatio?: number;
  /** Without the framing of batches cut in parts: the same changes, in as many events as rrweb's. */
  bytesRatio?: number;
  bytesDifference?: number;
  framingBytes?: number;
  timeOk?: boolean;
  bytesOk?: boolean;
}

export function verdict(results: WorkloadResults): Verdict {
  const none = summarize(results.runs.none);
  const rrweb = summarize(results.runs.rrweb);
  const ours = summarize(results.runs.openstory);
  if (!none || !rrweb || !ours) return { workload: results.workload };
  const addedOurs = ours.ms - none.ms;
  const addedRrweb = rrweb.ms - none.ms;
  const timeRatio = addedOurs / addedRrweb;
  const bytesRatio = (ours.bytes - ours.framingBytes) / (rrweb.bytes - rrweb.framingBytes);
  const bestRunTimeRatio = (ours.minMs - none.minMs) / (rrweb.minMs - none.minMs);
  const reference = results.workload === ATTRIBUTES_WORKLOAD ? summarize(results.runs.minimal) : undefined;
  const withinReference = !reference || addedOurs <= reference.ms - none.ms;
  return {
    workload: results.workload,
    addedOurs,
    addedRrweb,
    timeRatio,
    bestRunTimeRatio,
    bytesRatio,
    bytesDifference: ours.bytes - rrweb.bytes,
    framingBytes: ours.framingBytes,
    timeOk: timeRatio <= timeTarget(results.workload) && withinReference,
    bytesOk: bytesRatio <= TARGET_BYTES_RATIO,
  };
}

export function renderReport(all: WorkloadResults[], env: Environment): string {
  const lines: string[] = [
    '# Benchmarks',
    '',
    'Recorder overhead on rrweb\'s own DOM-mutation benchmark pages (MIT; see docs/benchmarks.md for where they come from),',
    'in headless Chromium. Generated by `npm run bench` (bench/run.ts); docs/benchmarks.md explains',
    'the method. Do not edit by hand: re-run the benchmark.',
    '',
    `- Date: ${env.date}`,
    `- Machine: ${env.cpus}`,
    `- Browser: ${env.chromium} (headless, \`/usr/bin/chromium\`)`,
    `- Node: ${env.node}`,
    `- Runs: ${env.runs} per workload and recorder (fresh browser context each), medians reported`,
    env.fsJs
      ? `- \`dist/fs.js\`: ${env.fsJs.raw} bytes minified, ${env.fsJs.gzip} bytes gzipped (budget ${FS_JS_GZIP_BUDGET})`
      : '- `dist/fs.js`: not built',
    '',
    '**ms** = median time from the workload\'s start until both the page has rendered the change (the first',
    'task after the next frame) and the recorder has emitted its last event for it; with no recorder, until',
    'the page has rendered. A recorder that yields lets the frame render between its slices, one that works in',
    'the MutationObserver callback delays it: the render counts once either way (docs/benchmarks.md).',
    '**last event** = median time until the last event alone (no recorder: until the workload returned).',
    '**added** = ms over no recorder. **bytes** = JSON length',
    'of every event emitted, full snapshot included (snapshot part in brackets). Our recorder sends a batch',
    'of more than 5,000 adds as several Mutation events (no task of the SDK\'s over 50 ms, docs/recorder.md);',
    'the bytes ratio leaves out the frames of the extra events (each with its arrays emptied, about 95 bytes),',
    'so it compares the same changes in as many events as rrweb\'s; the difference shows them, in brackets.',
    `Targets: our added time ≤ ${TARGET_ADDED_TIME_RATIO} × rrweb's (attributes workload: ≤ ${TARGET_ATTRIBUTES_TIME_RATIO} × rrweb's and no more than the`,
    'minimal reference recorder\'s when `--floor` ran it), our bytes ≤ rrweb\'s. The verdict uses medians;',
    'the ratio of the fastest runs (added time from each recorder\'s minimum) is shown as a check',
    'against the load of a shared machine. Where a "MutationObserver alone" row appears (`--floor`), it is',
    'an observer that only counts records: the cost every MutationObserver-based recorder pays. The',
    '"minimal attribute recorder" row (also `--floor`, attributes workload only) does the least any recorder',
    'emitting rrweb\'s schema must do for attribute records: look up each target\'s id, read the value once per',
    'element and attribute, build `{ id, attributes }`; no privacy rules, no other record kinds.',
    '',
    '## Summary',
    '',
    `| workload | added ms ours | added ms rrweb | time ratio (≤ ${TARGET_ADDED_TIME_RATIO}; attributes ≤ ${TARGET_ATTRIBUTES_TIME_RATIO}) | time ratio, fastest runs | bytes ours − rrweb (framing of batches in parts) | bytes ratio without that framing (≤ 1) |`,
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const results of all) {
    const v = verdict(results);
    const mark = (ok: boolean | undefined) => (ok === undefined ? '' : ok ? ' ✅' : ' ❌');
    lines.push(
      `| ${results.workload} | ${fmt(v.addedOurs)} | ${fmt(v.addedRrweb)} | ${fmt(v.timeRatio, 2)}${mark(v.timeOk)} | ${fmt(v.bestRunTimeRatio, 2)} | ${v.bytesDifference === undefined ? '–' : v.bytesDifference.toLocaleString('en-US')}${v.framingBytes ? ` (${v.framingBytes.toLocaleString('en-US')})` : ''} | ${fmt(v.bytesRatio, 5)}${mark(v.bytesOk)} |`,
    );
  }
  for (const results of all) {
    const none = summarize(results.runs.none);
    lines.push('', `## ${results.workload}`, '', '| recorder | ms (median) | min–max ms | added ms | last event ms | bytes | workload events |', '|---|---:|---:|---:|---:|---:|---:|');
    for (const name of RECORDERS) {
      const runs = results.runs[name];
      const s = summarize(runs);
      if (!s && (name === 'floor' || name === 'minimal')) continue;
      if (!s) {
        lines.push(`| ${name} | not measured | | | | | |`);
        continue;
      }
      const snapshot = median((runs ?? []).map((run) => run.snapshotBytes));
      const added = name === 'none' || !none ? '' : fmt(s.ms - none.ms);
      const bytes = name === 'none' || name === 'floor' || name === 'minimal' ? '' : `${count(s.bytes)} (${count(snapshot)})`;
      const timedOut = (runs ?? []).some((run) => run.timedOut) ? ' (timed out)' : '';
      lines.push(
        `| ${LABELS[name]} | ${fmt(s.ms)}${timedOut} | ${fmt(s.minMs)}–${fmt(s.maxMs)} | ${added} | ${fmt(s.lastEventMs)} | ${bytes} | ${name === 'none' ? '' : s.workloadEvents} |`,
      );
    }
    for (const failure of results.failures) lines.push('', `- failure: ${failure}`);
  }
  if (env.notes.length) lines.push('', '## Notes', '', ...env.notes.map((note) => `- ${note}`));
  lines.push(
    '',
    '## Reproduce',
    '',
    '```sh',
    'npm run bench                               # build, then every workload, 7 runs each',
    'npx tsx bench/run.ts --only attributes --runs 3   # a subset, quicker',
    'npx tsx bench/run.ts --profile dom-mutation # CPU profile of our recorder on one workload',
    '```',
    '',
  );
  return lines.join('\n');
}
