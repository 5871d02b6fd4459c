import type { Readable } from 'node:stream';
import { isRefusal, type Refusal } from '../refusal';
import { readBody, type Decoded } from './decode';
import type { EncodedEvents } from './encode';
import { createDecodeGate, type DecodeGate } from './gate';
import type { IngestLimits } from './limits';
import { maxInflatedFor } from './limits';
import { createDecodePool, type DecodePool } from './pool';

/**
 * Decoding in two lanes, each a decode gate in front of its own workers. A body that can inflate to
 * at most the ratio floor (1 MiB: at most ~10 KiB on the wire, where every ordinary bundle is)
 * takes the small lane; anything larger, or of unknown length, takes the large lane. A flood of
 * inflating bodies then waits for the large lane's worker and budget, and never stands in the
 * queue of a small bundle; the memory budget bounds both lanes together.
 */
export interface Decoder {
  /**
   * Reads the body, then decodes it in a worker of its lane. The read happens before the lane's
   * gate: a client that sends its body slowly, or vanishes halfway, must never hold a decode slot
   * (the small lane has one worker on a 2-core machine), only its own connection.
   */
  decode(body: Readable, declaredLength: number | undefined, claimsGzip: boolean): Promise<Decoded | Refusal>;
  /** The events moved by `shift` ms, re-encoded in a worker (a page whose clock is corrected). */
  shift(events: EncodedEvents, shift: number): Promise<EncodedEvents | Refusal>;
  close(): Promise<void>;
}

/**
 * Workers of the large lane. One: a second would take a core from the small lane and the commits
 * on a 2-core machine, and large bodies are rare in ordinary traffic (full snapshots of big pages).
 */
const LARGE_LANE_WORKERS = 1;

/**
 * Small-lane jobs queued in each worker's port. With one job at a time the worker idled for the
 * main thread's round trip (answer read, next job sent) whenever a commit held the event loop;
 * measured here (collector/bench/collector.ts, 32 clients, quiet machine): see BENCHMARKS.md.
 * Memory stays bounded: each queued job counts its worst case (1 MiB) against the lane's budget.
 */
const SMALL_LANE_DEPTH = 4;

interface Lane {
  gate: DecodeGate;
  pool: DecodePool;
}

function openLane(workers: number, depth: number, budgetBytes: number, limits: IngestLimits): Lane {
  const gate = createDecodeGate({ decodeConcurrency: workers * depth, decodeBudgetBytes: budgetBytes, decodeMaxWaiting: limits.decodeMaxWaiting });
  return { gate, pool: createDecodePool(workers, depth, limits.decodeWorkerHeapMiB) };
}

/** The worker jobs' own buffers move to the worker; a view into Node's shared pool of small buffers is copied. */
const ownBuffer = (bytes: Uint8Array): Uint8Array =>
  bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);

export function createDecoder(limits: IngestLimits): Decoder {
  const smallWorkers = Math.max(1, limits.decodeConcurrency - LARGE_LANE_WORKERS);
  const smallBudget = smallWorkers * SMALL_LANE_DEPTH * limits.inflationRatioFloorBytes;
  const small = openLane(smallWorkers, SMALL_LANE_DEPTH, smallBudget, limits);
  const large = openLane(LARGE_LANE_WORKERS, 1, Math.max(limits.decodeBudgetBytes - smallBudget, limits.maxInflatedBytes), limits);
  const laneFor = (worstCaseBytes: number) => (worstCaseBytes <= limits.inflationRatioFloorBytes ? small : large);

  return {
    async decode(stream, declaredLength, claimsGzip) {
      const read = await readBody(stream, declaredLength, limits);
      if (isRefusal(read)) return read;
      const cost = maxInflatedFor(read.byteLength, limits);
      const { gate, pool } = laneFor(cost);
      const body = ownBuffer(read);
      return gate.run(cost, () => pool.run({ kind: 'decode', body, claimsGzip, limits }, [body.buffer as ArrayBuffer]) as Promise<Decoded | Refusal>);
    },
    shift(events, shift) {
      const { gate, pool } = laneFor(events.chars);
      const deflated = new Uint8Array(events.deflated);
      return gate.run(events.chars, () => pool.run({ kind: 'shift', deflated, shift }, [deflated.buffer]) as Promise<EncodedEvents | Refusal>);
    },
    async close() {
      await Promise.all([small.pool.close(), large.pool.close()]);
    },
  };
}
