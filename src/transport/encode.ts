import type { BundleEnvelope } from '../protocol';

export type Encoding = 'gzip' | 'identity';

/**
 * CompressionStream does its work in native code, chunk by chunk as the stream is fed; feeding
 * 64 KiB at a time keeps each step short (docs/transport.md has the measured cost).
 */
const GZIP_CHUNK_BYTES = 64 * 1024;

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

async function readAll(readable: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const reader = readable.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.byteLength;
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

async function pipe(bytes: Uint8Array, transform: GenericTransformStream): Promise<Uint8Array> {
  const output = readAll(transform.readable as ReadableStream<Uint8Array>);
  const writer = (transform.writable as WritableStream<Uint8Array>).getWriter();
  for (let offset = 0; offset < bytes.byteLength; offset += GZIP_CHUNK_BYTES) {
    await writer.write(bytes.subarray(offset, offset + GZIP_CHUNK_BYTES));
  }
  await writer.close();
  return output;
}

/** gzip with the platform's CompressionStream; identity when the browser has none. */
export async function encodeBody(text: string, win: Window): Promise<{ body: Uint8Array; enc: Encoding }> {
  const bytes = utf8(text);
  const Compression = (win as Window & { CompressionStream?: typeof CompressionStream }).CompressionStream;
  if (!Compression) return { body: bytes, enc: 'identity' };
  return { body: await pipe(bytes, new Compression('gzip')), enc: 'gzip' };
}

/** Reads a body back into its envelope and serialized events (to split it after a 413). */
export async function decodeBody(
  body: Uint8Array,
  enc: Encoding,
  win: Window,
): Promise<{ envelope: BundleEnvelope; events: string[] }> {
  const Decompression = (win as Window & { DecompressionStream?: typeof DecompressionStream }).DecompressionStream;
  if (enc === 'gzip' && !Decompression) throw new Error('gzip body without DecompressionStream');
  const bytes = enc === 'gzip' ? await pipe(body, new Decompression!('gzip')) : body;
  const { events, ...envelope } = JSON.parse(new TextDecoder().decode(bytes)) as BundleEnvelope & { events: unknown[] };
  return { envelope, events: events.map((event) => JSON.stringify(event)) };
}
