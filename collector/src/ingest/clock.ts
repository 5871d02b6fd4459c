import { isRefusal, refuse, type Refusal } from '../refusal';
import type { FactRecord } from '../storage/types';
import type { DecodedBundle } from './decode';
import type { EncodedEvents } from './encode';

/**
 * Below this, receivedAt − sentAt is transit and retry delay as much as clock skew, so timestamps
 * are kept as sent; above it the client's clock is wrong by more than a retry takes, and the
 * page's events are moved by the offset (docs/protocol.md: the smallest offset of the page).
 */
export const CLOCK_SKEW_TOLERANCE_MS = 5 * 60_000;
/**
 * Oldest event accepted, counted back from arrival after correction. The SDK keeps undelivered
 * bundles while the page lives and retries with backoff; a week covers a laptop closed over a
 * weekend, and older events would land in export periods already downloaded.
 */
export const MAX_EVENT_AGE_MS = 7 * 24 * 60 * 60_000;
/** Newest event accepted after correction: events happen before the body is encoded (sentAt). */
export const MAX_EVENT_LEAD_MS = 60_000;

/** The page's offset after this bundle: the smallest receivedAt − sentAt seen. */
export const pageClockOffset = (stored: number | null | undefined, receivedAt: number, sentAt: number): number =>
  Math.min(stored ?? Number.POSITIVE_INFINITY, receivedAt - sentAt);

/**
 * Moves the bundle's times by the page's clock offset when it is beyond the tolerance, then checks
 * every event against the window around the arrival time. The events themselves are re-encoded by
 * `shiftEvents` (a decode worker) only when they move and are within the window.
 */
export async function correctClock(
  decoded: { bundle: DecodedBundle; facts: FactRecord[] },
  offset: number,
  receivedAt: number,
  shiftEvents: (events: EncodedEvents, shift: number) => Promise<EncodedEvents | Refusal>,
): Promise<{ bundle: DecodedBundle; facts: FactRecord[] } | Refusal> {
  const shift = Math.abs(offset) > CLOCK_SKEW_TOLERANCE_MS ? offset : 0;
  for (const timestamp of decoded.bundle.events.timestamps) {
    if (timestamp + shift < receivedAt - MAX_EVENT_AGE_MS || timestamp + shift > receivedAt + MAX_EVENT_LEAD_MS) {
      return refuse(400, 'bad-timestamp', 'an event timestamp is outside the accepted window around the arrival time');
    }
  }
  if (shift === 0) return decoded;
  const { bundle, facts } = decoded;
  const events = await shiftEvents(bundle.events, shift);
  if (isRefusal(events)) return events;
  const page = bundle.page && { ...bundle.page, startTime: bundle.page.startTime + shift };
  return { bundle: { ...bundle, page, events }, facts: facts.map((fact) => ({ ...fact, timestamp: fact.timestamp + shift })) };
}
