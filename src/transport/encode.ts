import type { BundleEnvelope } from '../protocol';
import { nextTask } from '../lib/next-task';

export type Encoding = 'gzip' | 'identity';

/**
 * CompressionStream compresses on the calling thread as it is fed, and awaiting its promises
 * never leaves the current task: in Chromium, UTF-8 encoding plus gzip of 1 MB of rrweb JSON in
 * one go is a ~50 ms task (bench/transport.ts). Feeding 32 Ki characters at a time and yielding
 * to the event loop between pieces keeps each task around a millisecond.
 */
const GZIP_CHUNK_CHARS = 32 * 1024;

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

/** Cuts text into pieces of about `size` characters without splitting a surrogate pair. */
function* slices(text: string, size: number): Generator<string> {
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + size);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end++;
    yield text.slice(start, end);
    start = end;
  }
}

async function pipe(pieces: Iterable<Uint8Array>, transform: GenericTransformStream, win: Window): Promise<Uint8Array> {
  const output = readAll(transform.readable as ReadableStream<Uint8Array>);
  const writer = (transform.writable as WritableStream<Uint8Array>).getWriter();
  for (const piece of pieces) {
    await writer.write(piece);
    await nextTask(win);
  }
  await writer.close();
  return output;
}

function* utf8Pieces(text: string): Generator<Uint8Array> {
  const encoder = new TextEncoder();
  for (const slice of slices(text, GZIP_CHUNK_CHARS)) yield encoder.encode(slice);
}

function* byteChunks(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let offset = 0; offset < bytes.byteLength; offset += size) yield bytes.subarray(offset, offset + size);
}

/** gzip with the platform's CompressionStream, a task per piece; identity when the browser has none. */
export async function encodeBody(text: string, win: Window): Promise<{ body: Uint8Array; enc: Encoding }> {
  const Compression = (win as Window & { CompressionStream?: typeof CompressionStream }).CompressionStream;
  if (!Compression) return { body: utf8(text), enc: 'identity' };
  return { body: await pipe(utf8Pieces(text), new Compression('gzip'), win), enc: 'gzip' };
}

/** Reads a body back into its envelope and serialized events (to split it after a 413). */
export async function decodeBody(
  body: Uint8Array,
  enc: Encoding,
  win: Window,
): Promise<{ envelope: BundleEnvelope; events: string[] }> {
  const Decompression = (win as Window & { DecompressionStream?: typeof DecompressionStream }).DecompressionStream;
  if (enc === 'gzip' && !Decompression) throw new Error('gzip body without DecompressionStream');
  const bytes = enc === 'gzip' ? await pipe(byteChunks(body, GZIP_CHUNK_CHARS), new Decompression!('gzip'), win) : body;
  const { events, ...envelope } = JSON.parse(new TextDecoder().decode(bytes)) as BundleEnvelope & { events: unknown[] };
  return { envelope, events: events.map((event) => JSON.stringify(event)) };
}
