import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { IncrementalSource, MediaInteractions } from '@rrweb/types';
import { observe, stopObservers } from './fake-context';

beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
afterEach(() => {
  stopObservers();
  vi.useRealTimers();
});

const move = (target: EventTarget, x: number, y: number) =>
  target.dispatchEvent(new MouseEvent('mousemove', { bubbles: true, composed: true, clientX: x, clientY: y }));

describe('mouse moves', () => {
  test('positions are sampled every 50 ms and sent in one batch after 500 ms, with offsets from the batch time', () => {
    const { incremental, idOf } = observe('<div id="area">x</div>');
    const area = document.getElementById('area') as HTMLElement;
    const id = idOf(area);
    move(area, 1, 1);
    vi.advanceTimersByTime(10);
    move(area, 2, 2); // inside the sampling window: replaced by the newer one below
    vi.advanceTimersByTime(10);
    move(area, 3, 3); // kept as the window's trailing position, at 50 ms
    vi.advanceTimersByTime(100);
    move(area, 4, 4);
    expect(incremental).toEqual([]);
    vi.advanceTimersByTime(500);
    expect(incremental).toEqual([
      {
        source: IncrementalSource.MouseMove,
        positions: [
          { x: 1, y: 1, id, timeOffset: -500 },
          { x: 3, y: 3, id, timeOffset: -480 },
          { x: 4, y: 4, id, timeOffset: -380 },
        ],
      },
    ]);
  });

  test('touch moves go to their own batch; stop sends what is pending', () => {
    const { incremental, stop } = observe('<div id="area">x</div>');
    const area = document.getElementById('area') as HTMLElement;
    move(area, 1, 1);
    vi.advanceTimersByTime(60);
    const touch = { identifier: 1, target: area, clientX: 9, clientY: 8 } as unknown as Touch;
    area.dispatchEvent(new TouchEvent('touchmove', { bubbles: true, changedTouches: [touch] }));
    stop();
    expect(incremental.map((data) => data.source)).toEqual([IncrementalSource.MouseMove, IncrementalSource.TouchMove]);
    expect(incremental[1]).toMatchObject({ positions: [{ x: 9, y: 8 }] });
  });
});

describe('scroll', () => {
  test('element scrolls are throttled per element and the final position is kept', () => {
    const { incremental, idOf } = observe('<div id="a">a</div><div id="b">b</div>');
    const [a, b] = ['a', 'b'].map((name) => document.getElementById(name) as HTMLElement);
    const scroll = (element: HTMLElement, top: number) => {
      element.scrollTop = top;
      element.dispatchEvent(new Event('scroll'));
    };
    scroll(a, 10);
    scroll(b, 5);
    scroll(a, 20);
    scroll(a, 30);
    vi.advanceTimersByTime(100);
    expect(incremental).toEqual([
      { source: IncrementalSource.Scroll, id: idOf(a), x: 0, y: 10 },
      { source: IncrementalSource.Scroll, id: idOf(b), x: 0, y: 5 },
      { source: IncrementalSource.Scroll, id: idOf(a), x: 0, y: 30 },
    ]);
  });

  test('the window scroll is reported with the document id', () => {
    const { incremental, idOf } = observe('<p>long</p>');
    document.dispatchEvent(new Event('scroll'));
    expect(incremental).toEqual([{ source: IncrementalSource.Scroll, id: idOf(document), x: 0, y: 0 }]);
  });
});

describe('viewport and media', () => {
  test('a resize to a new size is recorded once', () => {
    const { incremental } = observe('');
    const width = innerWidth;
    (window as { innerWidth: number }).innerWidth = width + 100;
    window.dispatchEvent(new Event('resize'));
    window.dispatchEvent(new Event('resize'));
    (window as { innerWidth: number }).innerWidth = width;
    expect(incremental).toEqual([{ source: IncrementalSource.ViewportResize, width: width + 100, height: innerHeight }]);
  });

  test('play and pause of a video carry its playback state', () => {
    const { incremental, idOf } = observe('<video id="v"></video>');
    const video = document.getElementById('v') as HTMLVideoElement;
    video.dispatchEvent(new Event('play'));
    video.dispatchEvent(new Event('pause'));
    expect(incremental).toEqual(
      [MediaInteractions.Play, MediaInteractions.Pause].map((type) => ({
        source: IncrementalSource.MediaInteraction,
        type,
        id: idOf(video),
        currentTime: video.currentTime,
        volume: video.volume,
        muted: video.muted,
        loop: video.loop,
        playbackRate: video.playbackRate,
      })),
    );
  });
});
