/**
 * What the SDK and the collector must agree on, published as `openstory/vocabulary`: the wire
 * protocol's shapes and limits, and the fact tags with their payloads. The collector imports it
 * from here (its build inlines it), so the two sides never hold diverging copies.
 */
export * from './protocol';
export * from './facts';
