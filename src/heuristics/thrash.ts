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
 * One axis of cursor travel with hysteresis: a turn is noticed once the cursor has come back at
 * least `minStroke` px from the farthest point of the stroke, so hand tremor and the small
 * corrections of aiming never count. A turn counts as a reversal only when the stroke before it
 * was quick (at most `maxStrokeMs`): thrashing oscillates, while reading or scanning moves slowly
 * one way and jumps back.
 */
function createAxis(minStroke: number, maxStrokeMs: number) {
  let direction = 0;
  let extreme: number | undefined;
  let extremeAt = 0;
  let turnAt = 0;
  return (value: number, at: number): boolean => {
    if (extreme === undefined) {
      extreme = value;
      extremeAt = turnAt = at;
      return false;
    }
    const delta = value - extreme;
    if (direction === 0 || Math.sign(delta) === direction) {
      if (direction === 0 && Math.abs(delta) < minStroke) return false;
      if (direction === 0) direction = Math.sign(delta);
      extreme = value;
      extremeAt = at;
      return false;
    }
    if (Math.abs(delta) < minStroke) return false;
    const strokeMs = extremeAt - turnAt;
    direction = -direction;
    turnAt = extremeAt;
    extreme = value;
    extremeAt = at;
    return strokeMs <= maxStrokeMs;
  };
}

/**
 * Thrashed cursor: at least `thrashMinReversals` direction reversals on one axis within
 * `thrashWindowMs`. An episode lasts while reversals keep coming within the window and is reported
 * once, when it ends, with its total count.
 */
export function createThrashDetector(thresholds: Thresholds, report: (episode: ThrashEpisode) => void) {
  const axis = () => createAxis(thresholds.thrashMinStrokePx, thresholds.thrashMaxStrokeMs);
  const freshAxes = () => ({ x: axis(), y: axis() });
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
      if (axes.x(point.x, point.at)) reversal('x', point);
      if (axes.y(point.y, point.at)) reversal('y', point);
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
