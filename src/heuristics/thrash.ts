import type { Thresholds } from './thresholds';

export interface CursorPoint {
  x: number;
  y: number;
  /** Epoch ms. */
  at: number;
  node: Node | null;
}

export interface ThrashEpisode {
  start: number;
  reversals: number;
  node: Node | null;
}

/**
 * One axis of cursor travel with hysteresis: a reversal is counted only once the cursor has come
 * back at least `minStroke` px from the farthest point of the previous stroke, so hand tremor and
 * the small corrections of aiming at a target never count.
 */
function createAxis(minStroke: number) {
  let direction = 0;
  let extreme: number | undefined;
  return (value: number): boolean => {
    if (extreme === undefined) {
      extreme = value;
      return false;
    }
    const delta = value - extreme;
    if (direction === 0) {
      if (Math.abs(delta) >= minStroke) {
        direction = Math.sign(delta);
        extreme = value;
      }
      return false;
    }
    if (Math.sign(delta) === direction) {
      extreme = value;
      return false;
    }
    if (Math.abs(delta) >= minStroke) {
      direction = -direction;
      extreme = value;
      return true;
    }
    return false;
  };
}

/**
 * Thrashed cursor: at least `thrashMinReversals` direction reversals on one axis within
 * `thrashWindowMs`. An episode lasts while reversals keep coming within the window and is reported
 * once, when it ends, with its total count.
 */
export function createThrashDetector(thresholds: Thresholds, report: (episode: ThrashEpisode) => void) {
  const freshAxes = () => ({ x: createAxis(thresholds.thrashMinStrokePx), y: createAxis(thresholds.thrashMinStrokePx) });
  let axes = freshAxes();
  let lastAt = -Infinity;
  const reversals = { x: [] as number[], y: [] as number[] };
  let episode: ThrashEpisode | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function end(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const done = episode;
    episode = undefined;
    reversals.x.length = 0;
    reversals.y.length = 0;
    if (done) report(done);
  }

  function reversal(axis: 'x' | 'y', point: CursorPoint): void {
    const times = reversals[axis];
    times.push(point.at);
    while (times.length && times[0] < point.at - thresholds.thrashWindowMs) times.shift();
    if (episode) {
      episode.reversals++;
      episode.node = point.node;
    } else if (times.length >= thresholds.thrashMinReversals) {
      episode = { start: times[0], reversals: times.length, node: point.node };
    }
    if (episode) {
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(end, thresholds.thrashWindowMs);
    }
  }

  return {
    move(point: CursorPoint): void {
      // After a pause the next movement starts a fresh stroke rather than reversing an old one.
      if (point.at - lastAt > thresholds.thrashWindowMs) {
        axes = freshAxes();
      }
      lastAt = point.at;
      if (axes.x(point.x)) reversal('x', point);
      if (axes.y(point.y)) reversal('y', point);
    },
    /** Reports an episode still in progress. */
    flush: end,
    stop(): void {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      episode = undefined;
    },
  };
}
