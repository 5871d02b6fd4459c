import { IncrementalSource, MediaInteractions } from '../../lib/rrweb';
import type { RecordContext } from '../types';
import { listen, stopAll, type Stop } from './listen';
import type { Roots } from './roots';
import { eventTarget, idOf } from './target';

const MEDIA_EVENTS: Record<string, MediaInteractions> = {
  play: MediaInteractions.Play,
  pause: MediaInteractions.Pause,
  seeked: MediaInteractions.Seeked,
  volumechange: MediaInteractions.VolumeChange,
  ratechange: MediaInteractions.RateChange,
};

/** Audio and video playback state, so a replay plays, pauses and seeks where the user did. */
export function observeMedia(ctx: RecordContext, roots: Roots): Stop {
  const onMedia = (event: Event) => {
    const media = eventTarget(event) as HTMLMediaElement | null;
    if (!media || !('currentTime' in media) || ctx.privacy.isExcluded(media)) return;
    const id = idOf(ctx, media);
    if (id === -1) return;
    ctx.emitIncremental({
      source: IncrementalSource.MediaInteraction,
      type: MEDIA_EVENTS[event.type],
      id,
      currentTime: media.currentTime,
      volume: media.volume,
      muted: media.muted,
      loop: media.loop,
      playbackRate: media.playbackRate,
    });
  };
  // Media events neither bubble nor cross shadow boundaries: capture them on every root.
  roots.each((root) => stopAll(ctx, Object.keys(MEDIA_EVENTS).map((type) => listen(ctx, root, type, onMedia))));
  return () => undefined;
}
