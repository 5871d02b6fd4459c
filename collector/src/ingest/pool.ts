import type { Worker } from 'node:worker_threads';
import { startWorker } from '../worker-thread';
import { refuse, type Refusal } from '../refusal';
import type { DecodeAnswer, DecodeJob } from './decode-worker';

/**
 * A fixed set of decode workers, each holding up to `depth` jobs (queued in its message port, run
 * in order). Its caller (ingest/lanes.ts) admits at most `size * depth` jobs at once through a
 * decode gate, so a job always finds a worker with room. A worker that dies (out of its heap, or
 * any fault) answers its jobs 503 with Retry-After, never a success, and is replaced at once;
 * close() terminates them all.
 */
export interface DecodePool {
  run(job: DecodeJob, transfer: ArrayBuffer[]): Promise<DecodeAnswer>;
  close(): Promise<void>;
}

/** Seconds a client waits after its body's worker died: a new worker is up within a second. */
const CRASH_RETRY_AFTER_SECONDS = 1;

const crashed = (): Refusal => ({ ...refuse(503, 'decode-failed', 'the worker decoding this bundle stopped; retry later'), retryAfter: CRASH_RETRY_AFTER_SECONDS });
const noWorker = (): Refusal => ({ ...refuse(503, 'busy', 'no decode worker is free; retry later'), retryAfter: CRASH_RETRY_AFTER_SECONDS });

/** A decode worker, its heap capped (dist/decode-worker.js built, this directory's decode-worker.ts from the sources). */
const startDecodeWorker = (heapMiB: number): Worker =>
  startWorker(new URL('./decode-worker.js', import.meta.url), new URL('./decode-worker.ts', import.meta.url), {
    resourceLimits: { maxOldGenerationSizeMb: heapMiB },
  });

interface Slot {
  worker: Worker;
  /** Whether the worker loaded and said so: one that dies before is not restarted (it would only die again). */
  online: boolean;
  /** The jobs sent and not answered yet, by id: how to answer each. */
  jobs: Map<number, (answer: DecodeAnswer) => void>;
  /** Set when the worker could not start: the slot takes no job again. */
  broken?: true;
}

export function createDecodePool(size: number, depth: number, heapMiB: number): DecodePool {
  let nextId = 0;
  let closing = false;
  const slots: Slot[] = [];

  const attach = (slot: Slot) => {
    slot.online = false;
    slot.worker.on('message', ({ id, result, ready }: { id: number; result: DecodeAnswer; ready?: true }) => {
      if (ready) {
        slot.online = true;
        return;
      }
      const settle = slot.jobs.get(id);
      slot.jobs.delete(id);
      settle?.(result);
    });
    // 'error' (an uncaught fault, ERR_WORKER_OUT_OF_MEMORY) is followed by 'exit'; the exit answers.
    let failure: unknown;
    slot.worker.on('error', (error) => (failure = error));
    slot.worker.once('exit', () => {
      for (const settle of slot.jobs.values()) settle(crashed());
      slot.jobs.clear();
      if (closing) return;
      if (!slot.online) {
        // The slot is out for good: its lane answers 503 rather than restarting a worker in a loop.
        slot.broken = true;
        console.error(`[openstory collector] a decode worker could not start: ${(failure as Error | undefined)?.message ?? 'it exited'}`);
        return;
      }
      slot.worker = startDecodeWorker(heapMiB);
      attach(slot);
    });
  };

  for (let index = 0; index < size; index++) {
    const slot: Slot = { worker: startDecodeWorker(heapMiB), online: false, jobs: new Map() };
    attach(slot);
    slots.push(slot);
  }

  return {
    run(job, transfer) {
      const open = slots.filter((candidate) => !candidate.broken && candidate.jobs.size < depth);
      const slot = open.sort((a, b) => a.jobs.size - b.jobs.size)[0];
      if (!slot || closing) return Promise.resolve(noWorker());
      const id = nextId++;
      return new Promise((settle) => {
        slot.jobs.set(id, settle);
        slot.worker.postMessage({ id, job }, transfer);
      });
    },
    async close() {
      closing = true;
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
    },
  };
}
