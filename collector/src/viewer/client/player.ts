import type { viewportResizeDimension } from '@rrweb/types';
import type { Replayer } from 'rrweb';
import { LOOKAHEAD_MS, type EventWindow } from './feed';

// The page loads rrweb's UMD bundle in its own script tag before this one (viewer/html.ts), so
// only its types are imported; the player comes from that global.
declare const rrweb: { Replayer: typeof Replayer };

/** Space the page keeps under the player for its controls and timeline (measured here), so the recording fits the window. */
const CONTROLS_PX = 140;
/** Smallest height the recording is scaled to, however short the window. */
const MIN_HEIGHT_PX = 240;

/** The replay as the controls see it: times are milliseconds from the session's first event. */
export interface Player {
  readonly total: number;
  now(): number;
  playing(): boolean;
  speed(): number;
  skipInactive(): boolean;
  /** Plays or pauses at the current moment (from the start again once played to the end). */
  toggle(): void;
  seek(offset: number): Promise<void>;
  setSpeed(speed: number): void;
  setSkipInactive(on: boolean): void;
  /** Called every frame by the page; loads the next page of events when the playhead comes near the window's end. */
  tick(): void;
  /** Called on play, pause, seek, speed and skip changes, and at the end. */
  onChange(listener: () => void): void;
}

export interface PlayerOptions {
  root: HTMLElement;
  feed: EventWindow;
  /** Session length in ms (the recording may end earlier than the session's last activity). */
  total: number;
  autoplay: boolean;
  fail(message: string): void;
}

/**
 * rrweb's Replayer over a window of the session's events (feed.ts). The Replayer only ever holds
 * the window: a seek outside it, or the window letting go of what lies behind the playhead,
 * rebuilds it from the window's first Meta; pages read ahead during playing are added to it.
 * Nothing shows until the first seek.
 */
export function createPlayer(options: PlayerOptions): Player {
  const { root, feed: events } = options;
  const origin = events.start();
  let replayer: Replayer;
  let playing = options.autoplay;
  let speed = 1;
  let skipInactive = true;
  let loading = false;
  let size: viewportResizeDimension = { width: 0, height: 0 };
  let queue: Promise<void> = Promise.resolve();
  const listeners: Array<() => void> = [];
  const changed = () => listeners.forEach((listener) => listener());

  /** The recording keeps its own viewport size; it is scaled down (never up) to the box the page leaves it, as rrweb-player does. */
  const fit = () => {
    if (!size.width || !size.height) return;
    const height = Math.max(MIN_HEIGHT_PX, window.innerHeight - CONTROLS_PX - root.getBoundingClientRect().top - window.scrollY);
    const scale = Math.min(1, root.clientWidth / size.width, height / size.height);
    replayer.wrapper.style.transformOrigin = '0 0';
    replayer.wrapper.style.transform = `scale(${scale})`;
    root.style.height = `${Math.ceil(size.height * scale)}px`;
  };
  window.addEventListener('resize', fit);

  const local = (offset: number) => Math.max(0, origin + offset - events.start());
  const now = () => (replayer ? Math.min(options.total, events.start() + replayer.getCurrentTime() - origin) : 0);
  const show = (offset: number) => (playing ? replayer.play(local(offset)) : replayer.pause(local(offset)));

  const build = () => {
    replayer?.destroy();
    replayer = new rrweb.Replayer(events.events(), { root, mouseTail: false, showWarning: false, skipInactive, speed });
    size = { width: Number(replayer.iframe.getAttribute('width')), height: Number(replayer.iframe.getAttribute('height')) };
    fit();
    replayer.on('resize', (dimension) => {
      size = dimension as viewportResizeDimension;
      fit();
    });
    replayer.on('finish', () => {
      if (events.done()) {
        playing = false;
        changed();
      } else void load();
    });
    root.setAttribute('data-speed', String(replayer.config.speed));
    root.setAttribute('data-skip-inactive', String(replayer.config.skipInactive));
  };

  /** One window change at a time: seeks and loads ahead queue behind each other. */
  const serial = (task: () => Promise<void>): Promise<void> => {
    queue = queue.then(task).catch((error: Error) => options.fail(`Replay failed: ${error.message}`));
    return queue;
  };

  /** What the page fetched and holds of the session, for whoever checks that the window stays bounded. */
  const count = () => {
    root.setAttribute('data-held-bytes', String(events.heldBytes()));
    root.setAttribute('data-fetched-bytes', String(events.fetchedBytes()));
  };

  const load = () => {
    loading = true;
    return serial(async () => {
      const added = await events.more();
      // The moment is read before trimming: the old Replayer's clock counts from the window's old start.
      const at = now();
      if (events.trim(origin + at)) {
        build();
        show(at);
      } else {
        for (const event of added) replayer.addEvent(event);
        // Played to the end of the window before the page came: go on from there.
        if (playing && replayer.service.state.matches('paused')) replayer.play(local(at));
      }
      count();
    }).finally(() => {
      loading = false;
    });
  };

  const seek = (offset: number) =>
    serial(async () => {
      const target = Math.min(Math.max(0, offset), options.total);
      if (await events.moveTo(origin + target)) build();
      show(target);
      count();
      changed();
    });

  build();
  count();

  return {
    total: options.total,
    now,
    playing: () => playing,
    speed: () => speed,
    skipInactive: () => skipInactive,
    toggle() {
      const at = now();
      playing = !playing;
      if (playing) void seek(at >= options.total || (events.done() && origin + at >= events.end()) ? 0 : at);
      else {
        replayer.pause();
        changed();
      }
    },
    seek,
    setSpeed(value) {
      speed = value;
      replayer.setConfig({ speed });
      root.setAttribute('data-speed', String(replayer.config.speed));
      changed();
    },
    setSkipInactive(on) {
      skipInactive = on;
      replayer.setConfig({ skipInactive });
      root.setAttribute('data-skip-inactive', String(replayer.config.skipInactive));
      changed();
    },
    tick() {
      if (!loading && playing && !events.done() && events.end() - (origin + now()) < LOOKAHEAD_MS) void load();
    },
    onChange: (listener) => listeners.push(listener),
  };
}
