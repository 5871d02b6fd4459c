import type { eventWithTime } from '@rrweb/types';
import { createPrivacy } from '../privacy';
import { guard } from '../lib/guard';
import { createReporter } from '../report';
import { createMirror, type RecorderMirror } from './mirror';
import { createRecordingShared, startObservers } from './observers';
import { startRecording } from './recording';
import type { NodeMirror, RecordOptions, SamplingOptions } from './types';

export { createMirror } from './mirror';
export type { RecorderMirror } from './mirror';
export type { NodeMirror, RecordContext, RecordOptions, SamplingOptions } from './types';

/** rrweb's defaults: a position every 50 ms, flushed every 500 ms; scrolls at most every 100 ms. */
const DEFAULT_SAMPLING: Required<SamplingOptions> = { mousemove: 50, mousemoveBatch: 500, scroll: 100 };

/**
 * Records the page as rrweb events: Meta and FullSnapshot now, then mutations and interactions
 * until the returned function is called. Privacy rules apply before anything becomes an event.
 * Never throws: an internal error (also one thrown by `emit`) is reported once to the console.
 */
export function record(options: RecordOptions): () => void {
  const reportError = createReporter('record');
  const stop = guard(reportError, () => {
    const mirror = recorderMirror(options.mirror, reportError) ?? createMirror();
    mirror.reset();
    const shared = createRecordingShared(options.recordCanvas);
    return startRecording({
      win: options.window ?? window,
      mirror,
      privacy: options.privacy ?? createPrivacy(options),
      sampling: { ...DEFAULT_SAMPLING, ...options.sampling },
      emit: guard(reportError, (event: eventWithTime) => options.emit(event)),
      reportError,
      warn: (message) => guard(reportError, () => console.warn(`[openstory] ${message}`))(),
      startObservers: (ctx) => startObservers(ctx, shared),
    });
  })();
  return guard(reportError, () => stop?.());
}

/**
 * A mirror from createMirror() is filled in place. Any other object cannot be: the recording
 * goes on with a mirror of its own, and the mistake is reported.
 */
function recorderMirror(mirror: NodeMirror | undefined, reportError: (error: unknown) => void): RecorderMirror | null {
  if (!mirror) return null;
  const candidate = mirror as Partial<RecorderMirror>;
  if (typeof candidate.assign === 'function' && typeof candidate.forget === 'function' && typeof candidate.reset === 'function') {
    return mirror as RecorderMirror;
  }
  reportError(new TypeError('record({ mirror }) takes a mirror made by createMirror()'));
  return null;
}
