import { ID_PATTERN } from 'openstory/vocabulary';
import type { SessionKey } from '../ingest/session-strings';
import type { BundleCursor, Storage, StoredBundle } from '../storage/types';

/**
 * The largest page of events.json a client may ask for, and the page it gets when it asks for
 * less than one byte: the replay page asks for far less (client/feed.ts), this bounds what one
 * request makes the collector hold beyond the bundle it is reading (a bundle is at most 16 MiB,
 * MAX_INFLATED_BYTES).
 */
const MAX_PAGE_BYTES = 8 * 1024 * 1024;

/** `seq.pageId`: the last bundle a page served, which the next page continues after. */
const CURSOR = new RegExp(`^(\\d{1,9})\\.(${ID_PATTERN.source.slice(1, -1)})$`);
const formatCursor = (cursor: BundleCursor): string => `${cursor.seq}.${cursor.pageId}`;

export function parseCursor(text: string | undefined): BundleCursor | undefined | null {
  if (text === undefined || text === '') return undefined;
  const match = CURSOR.exec(text);
  return match ? { seq: Number(match[1]), pageId: match[2] } : null;
}

/**
 * One page of a session's events: whole bundles in the session's order after `after`, until
 * `limit` characters of stored event JSON (at least one bundle, so a page always moves on), served
 * as `expand` turns them (string references expanded, one read for the page). The answer is
 * `{"events": [...], "next": cursor}`; `next` is null once the session has no bundle left.
 */
export async function eventsPage(
  storage: Storage,
  session: SessionKey,
  after: BundleCursor | undefined,
  limit: number,
  expand: (bundles: StoredBundle[]) => Promise<StoredBundle[]>,
): Promise<string> {
  const budget = Number.isFinite(limit) && limit > 0 ? Math.min(limit, MAX_PAGE_BYTES) : MAX_PAGE_BYTES;
  const read: StoredBundle[] = [];
  let size = 0;
  let next: string | null = null;
  for await (const bundle of storage.sessionEvents(session.orgId, session.userId, session.sessionId, after)) {
    if (size >= budget) {
      next = formatCursor(read[read.length - 1]);
      break;
    }
    read.push(bundle);
    size += bundle.events.length;
  }
  const parts = (await expand(read)).map((bundle) => bundle.events.slice(1, -1)).filter((inner) => inner.length > 0);
  return `{"events":[${parts.join(',')}],"next":${JSON.stringify(next)}}`;
}
