import { inflateSync } from 'node:zlib';

/**
 * How many distinct byte values the decompressed pixel data of a PNG holds. A blank (single
 * colour) 1280×720 screenshot in Chromium gives 6; the same box with a line of text gives 241.
 */
export function pngByteVariety(png: Buffer): number {
  const idat: Buffer[] = [];
  let offset = 8;
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    if (type === 'IDAT') idat.push(png.subarray(offset + 8, offset + 8 + length));
    offset += 12 + length;
  }
  return new Set(inflateSync(Buffer.concat(idat))).size;
}
