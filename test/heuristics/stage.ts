import type { eventWithTime } from '@rrweb/types';
import { afterEach, beforeEach, vi } from 'vitest';
import { startHeuristics, type Heuristics, type Thresholds } from '../../src/heuristics';
import type { Subscribe } from '../../src/lib/signal';
import { MouseInteractions } from '../../src/lib/rrweb';
import { interaction, testMirror, testPrivacy } from './fixtures';

/** The heuristics stage as the unit tests drive it: a jsdom page, a fake clock, one stage per test. */
export const T0 = 1_700_000_000_000;
export let out: eventWithTime[];
export let stage: Heuristics;
export let mirror: ReturnType<typeof testMirror>;

export function start(html: string, thresholds?: Partial<Thresholds>, pageErrors?: Subscribe) {
  document.body.innerHTML = html;
  mirror = testMirror();
  out = [];
  stage = startHeuristics({ next: (event) => out.push(event), mirror, privacy: testPrivacy, thresholds, pageErrors });
}

/** Feeds an event as the recorder would: at its timestamp. */
export function at(ms: number, event: (time: number) => eventWithTime) {
  vi.setSystemTime(T0 + ms);
  stage.observe(event(T0 + ms));
}

export function clickOn(selector: string, ms: number, x = 10, y = 10) {
  const id = mirror.id(document.querySelector(selector)!);
  at(ms, (time) => interaction(MouseInteractions.MouseDown, id, x, y, time));
  at(ms, (time) => interaction(MouseInteractions.Click, id, x, y, time));
}

/** Each test starts at T0 on fake timers and stops its stage. */
export function useStage() {
  beforeEach(() => vi.useFakeTimers({ now: T0 }));
  afterEach(() => {
    stage.stop();
    vi.useRealTimers();
  });
}
