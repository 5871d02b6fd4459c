/**
 * Whose a main-thread task's time is, from a Chromium trace with CPU samples: bench/storm.ts's
 * attribution of long tasks to the recorder (its header says why samples and not call events).
 */

/** From the run's trace (bench/storm.ts's header). */
export interface Attribution {
  /** Tasks in which the recorder's own time was over 50 ms. */
  recorderLongTasks: number;
  /** Of those, tasks in which the sampler saw nothing for over STALL_MS: the machine, not the script, held the thread. */
  stalled: number;
  /** Tasks over 50 ms that would have been under it without the recorder's time (and it under 50 ms). */
  pushedOver: number;
  /** The recorder's calls over the whole run, and its most in one task. */
  recorderMs: number;
  recorderMaxMs: number;
}
/** Over 50 ms is a long task (Long Tasks API). */
const LONG_TASK_MS = 50;
/**
 * The trace's sampler takes a sample about every 0.2 ms (measured here: 343 in 64 ms); a gap of
 * 100 of them inside a task means the thread (or the sampler) was off the CPU, which happens on
 * the shared 2-core machine under load (seen: a 10 ms slice lasting 68 ms with 6 samples). Such a
 * task is still counted as the recorder's, and shown apart.
 */
const STALL_MS = 20;

export interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  id?: string;
  args?: {
    data?: {
      url?: string;
      startTime?: number;
      cpuProfile?: { nodes?: { id: number; parent?: number; callFrame: { url: string } }[]; samples?: number[] };
      timeDeltas?: number[];
    };
  };
}

/** The main thread's CPU samples (the trace's sampling profiler) with whether the recorder's script is on the stack. */
function samples(traceEvents: TraceEvent[], mainThread: number | undefined, recorderUrls: string[], pageUrl: string) {
  const profile = traceEvents.find((event) => event.name === 'Profile' && event.tid === mainThread);
  const parents = new Map<number, number | undefined>();
  const urls = new Map<number, string>();
  const result: { ts: number; ours: boolean; page: boolean }[] = [];
  let ts = profile?.args?.data?.startTime ?? 0;
  // Profile ids are per process: another renderer's profile can also be "0x1", and its chunks
  // mixed in would shift every later sample's time (seen here as recorder time inside page frames).
  for (const chunk of traceEvents.filter((event) => event.name === 'ProfileChunk' && event.pid === profile?.pid && event.id === profile?.id)) {
    const data = chunk.args?.data;
    for (const node of data?.cpuProfile?.nodes ?? []) {
      parents.set(node.id, node.parent);
      urls.set(node.id, node.callFrame.url);
    }
    (data?.cpuProfile?.samples ?? []).forEach((sample, index) => {
      ts += data?.timeDeltas?.[index] ?? 0;
      let ours = false;
      let page = false;
      for (let node: number | undefined = sample; node !== undefined; node = parents.get(node)) {
        ours ||= recorderUrls.includes(urls.get(node) ?? '');
        page ||= urls.get(node) === pageUrl;
      }
      result.push({ ts, ours, page });
    });
  }
  return result.sort((a, b) => a.ts - b.ts);
}

/**
 * The recorder's share of each task on the page's main thread: the time of the CPU samples with
 * its script on the stack (each sample counts until the next one). Function-call events would
 * miss work resumed by scheduler.yield(), a promise continuation with no call event of its own.
 */
export function attribute(traceEvents: TraceEvent[], pageUrl: string, recorderUrl: string): Attribution {
  const mainThread = traceEvents.find((event) => event.name === 'FunctionCall' && [pageUrl, recorderUrl].includes(event.args?.data?.url ?? ''))?.tid;
  const tasks = traceEvents.filter((event) => event.name === 'RunTask' && event.ph === 'X' && event.tid === mainThread);
  // The SDK's telemetry chunk (dist/telemetry.js: web-vitals, console and network capture, imported from beside fs.js) is the SDK's time too.
  const all = samples(traceEvents, mainThread, [recorderUrl, recorderUrl.replace(/[^/]*$/, 'telemetry.js')], pageUrl);
  let recorderLongTasks = 0;
  let stalled = 0;
  let pushedOver = 0;
  let recorderMaxMs = 0;
  let recorderMs = 0;
  let next = 0;
  for (const task of tasks.sort((a, b) => a.ts - b.ts)) {
    const end = task.ts + (task.dur ?? 0);
    let ours = 0;
    let page = 0;
    let gapMs = 0;
    let last = task.ts;
    while (next < all.length && all[next].ts < task.ts) next++;
    for (; next < all.length && all[next].ts < end; next++) {
      gapMs = Math.max(gapMs, (all[next].ts - last) / 1000);
      last = all[next].ts;
      const ms = (Math.min(all[next + 1]?.ts ?? end, end) - all[next].ts) / 1000;
      // A sample with both on the stack is the page calling the recorder (the SDK's FS('start')): the recorder's.
      if (all[next].ours) ours += ms;
      else if (all[next].page) page += ms;
    }
    const taskMs = (task.dur ?? 0) / 1000;
    gapMs = Math.max(gapMs, (end - last) / 1000);
    if (ours > 0 && taskMs > LONG_TASK_MS) process.stderr.write(`  long task ${taskMs.toFixed(1)} ms: recorder ${ours.toFixed(1)}, page script ${page.toFixed(1)}, longest gap between samples ${gapMs.toFixed(1)}\n`);
    recorderMs += ours;
    recorderMaxMs = Math.max(recorderMaxMs, ours);
    // A task that ran the recorder's script and none of the page's is the recorder's, whole (the
    // garbage collection and the style work it caused included).
    if (ours > LONG_TASK_MS || (ours > 0 && page === 0 && taskMs > LONG_TASK_MS)) {
      recorderLongTasks++;
      if (gapMs > STALL_MS) stalled++;
    } else if (ours > 0 && taskMs > LONG_TASK_MS && taskMs - ours <= LONG_TASK_MS) pushedOver++;
  }
  return { recorderLongTasks, stalled, pushedOver, recorderMs, recorderMaxMs };
}
