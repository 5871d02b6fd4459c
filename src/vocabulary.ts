/**
 * What the SDK and the collector must agree on, published as `openstory/vocabulary`: the wire
 * protocol's shapes and limits, and the fact tags with their payloads. The collector imports it
 * from here (its build inlines it), so the two sides never hold diverging copies.
 */
export * from './protocol';
export * from './facts';
/** rrweb's event, source and node numbers, by name (no bare 2 or 5 on either side). */
export { EventType, IncrementalSource, MouseInteractions, NodeType } from './lib/rrweb';
/** The event type every bundle carries, so both sides type events from this one declaration. */
export type { eventWithTime } from '@rrweb/types';
