/**
 * openstory for npm users. `record` is the low-level recorder; facts and protocol types are the
 * vocabulary shared with the collector.
 */
export { FACT, fact } from './facts';
export { init, FullStory, isInitialized } from './api/npm';
export type { FullStoryInitOptions, ReadyCallback } from './api/npm';
export type { FSApi, InitOptions, LogLevel, Observer, SessionDetails, SessionFormat } from './api';
export { record, createMirror } from './record';
export type { NodeMirror, RecordOptions, SamplingOptions, RecordContext } from './record/types';
export { createPrivacy } from './privacy';
export type { Privacy, PrivacyOptions } from './privacy/types';
export type * from './facts';
export type * from './protocol';
