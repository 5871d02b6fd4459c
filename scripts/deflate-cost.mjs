// Reads a gzip member (RFC 1952) holding one deflate stream (RFC 1951) and says what each
// uncompressed byte cost in compressed bits: a literal's code length goes to its byte; a
// back-reference's length, distance and extra bits are shared evenly by the bytes it copies. Bits
// that belong to no byte (gzip header and trailer, block headers and Huffman tables, end-of-block
// codes, padding) are returned as `overheadBits`, so sum(costs) + overheadBits = 8 × gzip length.
// scripts/size-by-part.mjs uses it to split fs.js's gzip size among the parts of src/.

const GZIP_HEADER_BYTES = 10; // RFC 1952 §2.3, with no optional fields (node:zlib writes none)
const MAX_CODE_BITS = 15; // RFC 1951 §3.2.7
const END_OF_BLOCK = 256;

// RFC 1951 §3.2.5: base lengths and extra bits for length codes 257..285, distances 0..29.
const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
// RFC 1951 §3.2.7: the order in which code-length code lengths are sent.
const CLEN_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** LSB-first bit reader over the deflate stream; `pos` counts bits consumed. */
function bitReader(bytes, start) {
  const r = { pos: start * 8 };
  r.bits = (n) => {
    let v = 0;
    for (let i = 0; i < n; i++, r.pos++) v |= ((bytes[r.pos >> 3] >> (r.pos & 7)) & 1) << i;
    return v;
  };
  return r;
}

/** Canonical Huffman code from code lengths (RFC 1951 §3.2.2), decoded bit by bit. */
function huffman(lengths) {
  const count = new Array(MAX_CODE_BITS + 1).fill(0);
  for (const len of lengths) count[len]++;
  count[0] = 0;
  const offsets = [0, 0];
  for (let len = 1; len < MAX_CODE_BITS; len++) offsets[len + 1] = offsets[len] + count[len];
  const symbols = [];
  lengths.forEach((len, symbol) => {
    if (len) symbols[offsets[len]++] = symbol;
  });
  return (r) => {
    let code = 0, first = 0, index = 0;
    for (let len = 1; len <= MAX_CODE_BITS; len++) {
      code |= r.bits(1);
      if (code - first < count[len]) return symbols[index + code - first];
      index += count[len];
      first = (first + count[len]) << 1;
      code <<= 1;
    }
    throw new Error('deflate-cost: bad Huffman code');
  };
}

const FIXED_LITERALS = huffman([...Array(288)].map((_, i) => (i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8)));
const FIXED_DISTANCES = huffman(new Array(30).fill(5));

/** Reads a dynamic block's code tables (RFC 1951 §3.2.7). */
function dynamicTables(r) {
  const nLit = r.bits(5) + 257, nDist = r.bits(5) + 1, nClen = r.bits(4) + 4;
  const clen = new Array(19).fill(0);
  for (let i = 0; i < nClen; i++) clen[CLEN_ORDER[i]] = r.bits(3);
  const lenCode = huffman(clen);
  const lengths = [];
  while (lengths.length < nLit + nDist) {
    const sym = lenCode(r);
    if (sym < 16) lengths.push(sym);
    else if (sym === 16) lengths.push(...new Array(3 + r.bits(2)).fill(lengths[lengths.length - 1]));
    else lengths.push(...new Array(sym === 17 ? 3 + r.bits(3) : 11 + r.bits(7)).fill(0));
  }
  return [huffman(lengths.slice(0, nLit)), huffman(lengths.slice(nLit))];
}

/** @returns {{ costs: Float64Array, overheadBits: number }} costs[i] = bits spent on output byte i */
export function deflateCost(gzipped) {
  if (gzipped[0] !== 0x1f || gzipped[1] !== 0x8b || gzipped[3] !== 0) throw new Error('deflate-cost: plain gzip expected');
  const costs = [];
  const r = bitReader(gzipped, GZIP_HEADER_BYTES);
  let last = 0;
  while (!last) {
    last = r.bits(1);
    const type = r.bits(2);
    if (type === 0) {
      r.pos = (r.pos + 7) & ~7;
      const len = r.bits(16);
      r.bits(16);
      for (let i = 0; i < len; i++, r.bits(8)) costs.push(8);
      continue;
    }
    const [literals, distances] = type === 1 ? [FIXED_LITERALS, FIXED_DISTANCES] : dynamicTables(r);
    for (;;) {
      const at = r.pos;
      const sym = literals(r);
      if (sym === END_OF_BLOCK) break;
      if (sym < END_OF_BLOCK) {
        costs.push(r.pos - at);
        continue;
      }
      const length = LENGTH_BASE[sym - 257] + r.bits(LENGTH_EXTRA[sym - 257]);
      const d = distances(r);
      r.bits(DIST_EXTRA[d]);
      const share = (r.pos - at) / length;
      for (let i = 0; i < length; i++) costs.push(share);
    }
  }
  const spent = costs.reduce((a, b) => a + b, 0);
  return { costs: Float64Array.from(costs), overheadBits: gzipped.length * 8 - spent };
}
