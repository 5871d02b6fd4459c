import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { refuse, type Refusal } from '../refusal';
import { maxInflatedFor, type IngestLimits } from './limits';

const GZIP_MAGIC = [0x1f, 0x8b];

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
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}

/**
 * Inflates a gzip body while counting output; past the cap (the inflated cap, or the inflation
 * ratio times the body) the inflater is destroyed, so a gzip bomb costs at most that much work.
 */
export function inflate(body: Buffer, limits: IngestLimits): Promise<Buffer | Refusal> {
  const cap = maxInflatedFor(body.length, limits);
  if (body.length < 2 || body[0] !== GZIP_MAGIC[0] || body[1] !== GZIP_MAGIC[1]) {
    return Promise.resolve(refuse(400, 'bad-gzip', 'enc=gzip but the body is not gzip'));
  }
  return new Promise((resolve) => {
    const gunzip = createGunzip();
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: Buffer | Refusal) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    gunzip.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > cap) {
        settle(refuse(413, 'inflated-too-large', `decompressed body over ${cap} bytes (${limits.maxInflationRatio}x the body, at most ${limits.maxInflatedBytes})`));
        gunzip.destroy();
        return;
      }
      chunks.push(chunk);
    });
    gunzip.on('end', () => settle(Buffer.concat(chunks, size)));
    gunzip.on('error', () => settle(refuse(400, 'bad-gzip', 'the gzip stream is corrupt or truncated')));
    gunzip.end(body);
  });
}

export function parseJson(text: Buffer): { json: unknown } | Refusal {
  try {
    return { json: JSON.parse(text.toString('utf8')) };
  } catch {
    return refuse(400, 'bad-json', 'the body is not valid JSON');
  }
}
