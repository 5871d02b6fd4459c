import { parentPort } from 'node:worker_threads';
import { isRefusal, type Refusal } from '../refusal';
import { decodeBody, type Decoded } from './decode';
import { shiftEvents, type EncodedEvents } from './encode';
import type { InflateLimits } from './limits';

/**
 * A decode worker (ingest/pool.ts starts them): inflates, parses, validates and encodes bodies off
 * the collector's main thread, one job at a time, and moves a page's events when its clock is corrected.
 */
export type DecodeJob =
  | { kind: 'decode'; body: Uint8Array; claimsGzip: boolean; limits: InflateLimits }
  | { kind: 'shift'; deflated: Uint8Array; shift: number };

export type DecodeAnswer = Decoded | EncodedEvents | Refusal;

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** The blob in an ArrayBuffer of its own, so it moves to the main thread without a copy of zlib's larger output buffer. */
const detached = (events: EncodedEvents) => ({ ...events, deflated: new Uint8Array(events.deflated) });

function answer(job: DecodeJob): DecodeAnswer {
  if (job.kind === 'shift') return detached(shiftEvents(job.deflated, job.shift));
  const decoded = decodeBody(asBuffer(job.body), job.claimsGzip, job.limits);
  return isRefusal(decoded) ? decoded : { ...decoded, bundle: { ...decoded.bundle, events: detached(decoded.bundle.events) } };
}

parentPort?.on('message', ({ id, job }: { id: number; job: DecodeJob }) => {
  const result = answer(job);
  const events = isRefusal(result) ? undefined : 'bundle' in result ? result.bundle.events : result;
  parentPort!.postMessage({ id, result }, events ? [events.deflated.buffer as ArrayBuffer] : []);
});
parentPort?.postMessage({ ready: true });
