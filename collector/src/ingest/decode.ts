import { gunzipSync } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { Bundle } from 'openstory/vocabulary';
import { isRefusal, refuse, type Refusal } from '../refusal';
import type { FactRecord } from '../storage/types';
import { extractFacts } from '../facts';
import { mayReference, undefinedReferences } from './references';
import { encodeEvents, isGzip, receivedEvents, type EncodedEvents } from './encode';
import { validateBundle } from './validate';
import { maxInflatedFor, type IngestLimits, type InflateLimits } from './limits';

/**
 * Reads the request body, refusing it as soon as it passes the wire cap. The rest of an oversize
 * body is not read: the caller answers 413 and closes the connection.
 */
export function readBody(stream: Readable, declaredLength: number | undefined, limits: IngestLimits): Promise<Buffer | Refusal> {
  if (declaredLength !== undefined && declaredLength > limits.maxBodyBytes) {
    stream.resume();
    return Promise.resolve(refuse(413, 'too-large', `body over ${limits.maxBodyBytes} bytes`));
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: Buffer | Refusal) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBodyBytes) {
        stream.pause();
        finish(refuse(413, 'too-large', `body over ${limits.maxBodyBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish(Buffer.concat(chunks, size));
    const onError = () => finish(refuse(400, 'bad-body', 'request body could not be read'));
    // A connection closed before the body ended (a tab closed mid-upload) may emit neither 'end' nor 'error'.
    const onClose = () => finish(refuse(400, 'bad-body', 'the connection closed before the body ended'));
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

/**
 * Inflates a gzip body with its output capped (the inflated cap, or the inflation ratio times the
 * body): zlib stops at the cap, so a gzip bomb costs at most that much work and memory.
 */
export function inflateBody(body: Buffer, limits: InflateLimits): Buffer | Refusal {
  const cap = maxInflatedFor(body.length, limits);
  if (!isGzip(body)) {
    return refuse(400, 'bad-gzip', 'enc=gzip but the body is not gzip');
  }
  try {
    return gunzipSync(body, { maxOutputLength: cap });
  } catch (error) {
    return (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE'
      ? refuse(413, 'inflated-too-large', `decompressed body over ${cap} bytes (${limits.maxInflationRatio}x the body, at most ${limits.maxInflatedBytes})`)
      : refuse(400, 'bad-gzip', 'the gzip stream is corrupt or truncated');
  }
}

export function parseJson(text: Buffer): { json: unknown } | Refusal {
  try {
    return { json: JSON.parse(text.toString('utf8')) };
  } catch {
    return refuse(400, 'bad-json', 'the body is not valid JSON');
  }
}

/** A bundle as validated, its events as storage keeps them (ingest/encode.ts). */
export type DecodedBundle = Omit<Bundle, 'events'> & { events: EncodedEvents };

export interface Decoded {
  bundle: DecodedBundle;
  facts: FactRecord[];
  /** Decompressed size: what the per-client decode budget is charged. */
  decodedBytes: number;
  /** String ids the events reference and the bundle does not define: the session must hold them (docs/protocol.md, "String table"). */
  references: string[];
}

/**
 * Body → validated bundle, its facts and its events encoded, or the refusal docs/protocol.md gives
 * for the first problem met. The magic bytes decide, not the client's claim: an identity body is
 * never inflated. Runs in a decode worker (ingest/decode-worker.ts).
 */
export function decodeBody(body: Buffer, claimsGzip: boolean, limits: InflateLimits): Decoded | Refusal {
  const inflated = claimsGzip || isGzip(body);
  const json = inflated ? inflateBody(body, limits) : body;
  if (isRefusal(json)) return json;
  const parsed = parseJson(json);
  if (isRefusal(parsed)) return parsed;
  const bundle = validateBundle(parsed.json);
  if (isRefusal(bundle)) return bundle;
  // A gzip body is stored as it came (ingest/encode.ts); an uncompressed one is deflated, and so is
  // one carrying string definitions, which the string table keeps: stored in the body they would
  // hold the session's stylesheet text a second time.
  const events = inflated && !bundle.strings ? receivedEvents(body, bundle.events, json.length) : encodeEvents(bundle.events);
  const references = mayReference(json) ? undefinedReferences(bundle.events, bundle.strings) : [];
  return { bundle: { ...bundle, events }, facts: extractFacts(bundle.events), decodedBytes: json.length, references };
}
