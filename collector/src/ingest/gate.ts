import { refuse, type Refusal } from '../refusal';
import type { IngestLimits } from './limits';

/**
 * Bounds the decoding work in progress (gunzip, JSON.parse, validation): at most `concurrency`
 * bodies at once and at most a budget of their worst-case inflated size, so a flood of inflating
 * bodies costs a bounded amount of memory whatever its size. Requests over the bound wait in
 * arrival order; past `decodeMaxWaiting` they are refused with 503 and Retry-After (the SDK retries).
 */
export interface DecodeGate {
  run<T>(cost: number, work: () => Promise<T>): Promise<T | Refusal>;
}

/** Seconds a refused client waits: the queue drains in well under a second when it is not attacked. */
const BUSY_RETRY_AFTER_SECONDS = 1;

export function createDecodeGate(limits: Pick<IngestLimits, 'decodeConcurrency' | 'decodeBudgetBytes' | 'decodeMaxWaiting'>): DecodeGate {
  let running = 0;
  let used = 0;
  const waiting: Array<{ cost: number; start: () => void }> = [];

  const fits = (cost: number) => running < limits.decodeConcurrency && (running === 0 || used + cost <= limits.decodeBudgetBytes);
  const admitWaiting = () => {
    while (waiting.length > 0 && fits(waiting[0].cost)) waiting.shift()!.start();
  };

  return {
    async run(cost, work) {
      if (!fits(cost) || waiting.length > 0) {
        if (waiting.length >= limits.decodeMaxWaiting) {
          return { ...refuse(503, 'busy', 'the collector is decoding too many bundles; retry later'), retryAfter: BUSY_RETRY_AFTER_SECONDS };
        }
        await new Promise<void>((start) => waiting.push({ cost, start: () => { running++; used += cost; start(); } }));
      } else {
        running++;
        used += cost;
      }
      try {
        return await work();
      } finally {
        running--;
        used -= cost;
        admitWaiting();
      }
    },
  };
}
