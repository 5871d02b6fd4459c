/**
 * A MaxMind DB writer for tests: IPv4 tree, 24-bit records, maps, strings, doubles, unsigned
 * integers and arrays — what a GeoIP2 City record uses. The layout is MaxMind's published "MaxMind
 * DB File Format Specification" (version 2.0): search tree, 16 zero bytes, data section, then the
 * metadata map after the marker. Tests write their own tiny databases, so none is downloaded.
 */
export type MmdbValue = string | number | MmdbValue[] | { [key: string]: MmdbValue };

export interface MmdbNetwork {
  /** `203.0.113.0/24`. */
  cidr: string;
  data: MmdbValue;
}

const METADATA_MARKER = Buffer.from([0xab, 0xcd, 0xef, ...Buffer.from('MaxMind.com')]);
const DATA_SEPARATOR_BYTES = 16;
const RECORD_BYTES = 3;
/** Type numbers of the spec; 8 and above are "extended": control type 0, then a byte of type − 7. */
const TYPE = { string: 2, double: 3, uint16: 5, uint32: 6, map: 7, uint64: 9, array: 11 } as const;

function control(type: number, size: number): Buffer {
  const extended = type > 7;
  const head = (extended ? 0 : type) << 5;
  const extension = extended ? [type - 7] : [];
  if (size < 29) return Buffer.from([head | size, ...extension]);
  if (size < 285) return Buffer.from([head | 29, ...extension, size - 29]);
  if (size < 65_821) return Buffer.from([head | 30, ...extension, (size - 285) >> 8, (size - 285) & 0xff]);
  const rest = size - 65_821;
  return Buffer.from([head | 31, ...extension, rest >> 16, (rest >> 8) & 0xff, rest & 0xff]);
}

function unsigned(type: number, value: number): Buffer {
  const bytes: number[] = [];
  for (let rest = BigInt(value); rest > 0n; rest >>= 8n) bytes.unshift(Number(rest & 0xffn));
  return Buffer.concat([control(type, bytes.length), Buffer.from(bytes)]);
}

export function encodeValue(value: MmdbValue): Buffer {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([control(TYPE.string, bytes.length), bytes]);
  }
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0) return unsigned(value < 2 ** 32 ? TYPE.uint32 : TYPE.uint64, value);
    const bytes = Buffer.alloc(8);
    bytes.writeDoubleBE(value);
    return Buffer.concat([control(TYPE.double, 8), bytes]);
  }
  if (Array.isArray(value)) return Buffer.concat([control(TYPE.array, value.length), ...value.map(encodeValue)]);
  const entries = Object.entries(value);
  return Buffer.concat([control(TYPE.map, entries.length), ...entries.flatMap(([key, item]) => [encodeValue(key), encodeValue(item)])]);
}

/** A tree node: each side is another node, a data offset, or empty. */
interface TreeNode {
  sides: [TreeNode | number | null, TreeNode | number | null];
}

function networkBits(cidr: string): { address: number; length: number } {
  const [text, length] = cidr.split('/');
  const address = text.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
  return { address, length: Number(length) };
}

/** The .mmdb bytes of an IPv4 database answering `data` for each network (networks must not nest). */
export function writeMmdb(networks: MmdbNetwork[], databaseType = 'openstory-test-City'): Buffer {
  const data: Buffer[] = [];
  let dataBytes = 0;
  const offsets = new Map<string, number>();
  const root: TreeNode = { sides: [null, null] };
  for (const network of networks) {
    const { address, length } = networkBits(network.cidr);
    let node = root;
    for (let depth = 0; depth < length - 1; depth++) {
      const bit = Math.floor(address / 2 ** (31 - depth)) & 1;
      let next = node.sides[bit];
      if (typeof next !== 'object' || next === null) node.sides[bit] = next = { sides: [null, null] };
      node = next;
    }
    // Equal records are stored once, as real databases do (many ranges share one city).
    const text = JSON.stringify(network.data);
    let offset = offsets.get(text);
    if (offset === undefined) {
      const encoded = encodeValue(network.data);
      offsets.set(text, (offset = dataBytes));
      data.push(encoded);
      dataBytes += encoded.length;
    }
    node.sides[Math.floor(address / 2 ** (32 - length)) & 1] = offset;
  }
  const order: TreeNode[] = [];
  const number = new Map<TreeNode, number>();
  const visit = (node: TreeNode) => {
    number.set(node, order.push(node) - 1);
    for (const side of node.sides) if (typeof side === 'object' && side !== null) visit(side);
  };
  visit(root);
  const nodeCount = order.length;
  const tree = Buffer.alloc(nodeCount * 2 * RECORD_BYTES);
  order.forEach((node, index) => {
    node.sides.forEach((side, which) => {
      const record = side === null ? nodeCount : typeof side === 'number' ? nodeCount + DATA_SEPARATOR_BYTES + side : number.get(side)!;
      tree.writeUIntBE(record, (index * 2 + which) * RECORD_BYTES, RECORD_BYTES);
    });
  });
  const metadata = Buffer.concat([
    control(TYPE.map, 9),
    encodeValue('node_count'), unsigned(TYPE.uint32, nodeCount),
    encodeValue('record_size'), unsigned(TYPE.uint16, RECORD_BYTES * 8),
    encodeValue('ip_version'), unsigned(TYPE.uint16, 4),
    encodeValue('database_type'), encodeValue(databaseType),
    encodeValue('languages'), encodeValue(['en']),
    encodeValue('binary_format_major_version'), unsigned(TYPE.uint16, 2),
    encodeValue('binary_format_minor_version'), unsigned(TYPE.uint16, 0),
    encodeValue('build_epoch'), unsigned(TYPE.uint64, 1_767_225_600),
    encodeValue('description'), encodeValue({ en: 'openstory test database' }),
  ]);
  return Buffer.concat([tree, Buffer.alloc(DATA_SEPARATOR_BYTES), ...data, METADATA_MARKER, metadata]);
}

/** A GeoIP2 City record with the fields the collector reads. */
export const cityRecord = (place: { city?: string; country: string; region?: string; latitude?: number; longitude?: number }): MmdbValue => ({
  country: { iso_code: place.country, names: { en: place.country } },
  ...(place.city ? { city: { names: { en: place.city } } } : {}),
  ...(place.region ? { subdivisions: [{ iso_code: place.region.slice(0, 3).toUpperCase(), names: { en: place.region } }] } : {}),
  ...(place.latitude !== undefined && place.longitude !== undefined
    ? { location: { latitude: place.latitude, longitude: place.longitude, accuracy_radius: 20 } } : {}),
});
