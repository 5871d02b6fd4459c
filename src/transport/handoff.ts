import type { StoredBundle } from './persist';

/**
 * The closing page's hand-off to the next page load: bundles not yet safely in IndexedDB when the
 * page hides, written to localStorage synchronously.
 *
 * Why not IndexedDB: a transaction a closing tab starts in `pagehide` is dropped by Chromium in
 * a large share of closes, even committed at once and even when small (measured: 5 keys of 63 KB
 * landed in 7 of 12 closes, 22 keys of 300 KB in 6 of 12). A `localStorage.setItem` in the same
 * handler landed in 20 of 20 closes with 300 KB: the write is applied before the call returns.
 * The price is the site's own quota (about 5 MiB per origin, shared with the site), so the
 * hand-off is capped at HANDOFF_MAX_CHARS; what does not fit falls back to IndexedDB.
 */
export interface Handoff {
  /** Writes what fits under the cap; returns the bundles that did not fit, in order. */
  write(bundles: Array<[string, StoredBundle]>): Array<[string, StoredBundle]>;
  /** Every handed-off bundle of this collector and org; deletes damaged and expired entries of any. */
  readAll(): Array<[string, StoredBundle]>;
  remove(key: string): void;
  /** Deletes every hand-off entry (what `discard()` promises for IndexedDB too); may throw. */
  clear(): void;
}

/**
 * One Mi characters (2 MiB as browsers count localStorage, in UTF-16 units): twice the default
 * size threshold of a bundle, so a page's whole tail fits, while leaving most of the origin's
 * ~5 MiB to the site.
 */
export const HANDOFF_MAX_CHARS = 1024 * 1024;

/**
 * Entries older than this are deleted unsent, whatever collector they were for: a hand-off is
 * meant for the next page load, and recorded content must not sit in the site's storage for
 * good when the site stops recording (consent refused, Do Not Track, a different collector).
 */
export const HANDOFF_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

const HANDOFF_PREFIX = 'openstory:handoff:';

/**
 * An entry is the bundle's description as JSON, a newline (which JSON.stringify never writes),
 * then the body's bytes one character each: localStorage holds strings only, and this keeps an
 * identity body at its own size rather than escaped inside JSON.
 */
function entryValue({ body, ...description }: StoredBundle): string {
  return `${JSON.stringify(description)}\n${bytesToChars(body)}`;
}

function parseEntry(value: string): StoredBundle {
  const newline = value.indexOf('\n');
  if (newline < 0) throw new Error('not a hand-off entry');
  return { ...(JSON.parse(value.slice(0, newline)) as Omit<StoredBundle, 'body'>), body: charsToBytes(value.slice(newline + 1)) };
}

export function openHandoff(host: string, orgId: string, win: Window): Handoff | null {
  let storage: Storage;
  try {
    // Throws where storage is blocked (sandboxed frames, cookies disabled).
    storage = win.localStorage;
    if (!storage) return null;
  } catch {
    return null;
  }
  const mine = (bundle: StoredBundle) => bundle.host === host && bundle.orgId === orgId;
  return {
    write(bundles) {
      let index = 0;
      try {
        let used = handoffChars(storage);
        for (; index < bundles.length; index++) {
          const [key, bundle] = bundles[index];
          const value = entryValue(bundle);
          if (used + value.length > HANDOFF_MAX_CHARS) break;
          // Throws when the site's quota is full.
          storage.setItem(HANDOFF_PREFIX + key, value);
          used += value.length;
        }
      } catch {
        // Storage refused (quota, or it went away): the rest goes to IndexedDB.
      }
      return bundles.slice(index);
    },
    readAll() {
      const found: Array<[string, StoredBundle]> = [];
      const now = Date.now();
      try {
        for (const [storageKey, value] of handoffEntries(storage)) {
          let bundle: StoredBundle | null = null;
          try {
            bundle = parseEntry(value);
          } catch {
            // Damaged: nothing can send it.
          }
          if (!bundle || !(now - bundle.savedAt < HANDOFF_MAX_AGE_MS)) storage.removeItem(storageKey);
          else if (mine(bundle)) found.push([storageKey.slice(HANDOFF_PREFIX.length), bundle]);
        }
      } catch {
        // Storage went away: what was read so far is all there is.
      }
      return found;
    },
    remove(key) {
      try {
        storage.removeItem(HANDOFF_PREFIX + key);
      } catch {
        // Storage went away; the entry is re-sent and deduplicated at worst.
      }
    },
    clear() {
      for (const storageKey of handoffKeys(storage)) storage.removeItem(storageKey);
    },
  };
}

function handoffKeys(storage: Storage): string[] {
  const keys: string[] = [];
  for (let index = 0; index < storage.length; index++) {
    const key = storage.key(index);
    if (key !== null && key.startsWith(HANDOFF_PREFIX)) keys.push(key);
  }
  return keys;
}

function handoffEntries(storage: Storage): Array<[string, string]> {
  const entries: Array<[string, string]> = [];
  for (const key of handoffKeys(storage)) {
    const value = storage.getItem(key);
    if (value !== null) entries.push([key, value]);
  }
  return entries;
}

function handoffChars(storage: Storage): number {
  return handoffEntries(storage).reduce((sum, [, value]) => sum + value.length, 0);
}

/** Chunks keep String.fromCharCode under engines' argument-count limits. */
const CHARS_PER_CALL = 8192;

function bytesToChars(bytes: Uint8Array): string {
  let chars = '';
  for (let start = 0; start < bytes.length; start += CHARS_PER_CALL) {
    chars += String.fromCharCode(...bytes.subarray(start, start + CHARS_PER_CALL));
  }
  return chars;
}

function charsToBytes(chars: string): Uint8Array {
  const bytes = new Uint8Array(chars.length);
  for (let index = 0; index < chars.length; index++) bytes[index] = chars.charCodeAt(index) & 0xff;
  return bytes;
}
