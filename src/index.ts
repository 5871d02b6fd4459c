/**
 * openstory for npm users. `record` is the low-level recorder; facts and protocol types are the
 * vocabulary shared with the collector.
 */
export { FACT, fact } from './facts';
export type * from './facts';
export type * from './protocol';
