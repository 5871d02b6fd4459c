import { percent } from './event-list';
import type { Player } from './player';

/** The speeds offered, keys 1 to 4 (FullStory, PostHog and Clarity offer the same steps up to 8x or 16x). */
export const SPEEDS = [1, 2, 4, 8] as const;
/** ← and → move by this much (PostHog's and Clarity's arrow-key step). */
const ARROW_STEP_MS = 5000;
/** Shift+← goes to the event before the one just played, not back to the same one, when within this of it. */
const PREVIOUS_EVENT_SLACK_MS = 1000;

/** `m:ss.s` (or `h:mm:ss.s`): video players' time, with tenths, which the event list's moments have too. */
export function clockTime(ms: number): string {
  const tenths = Math.floor(Math.max(0, ms) / 100);
  const total = Math.floor(tenths / 10);
  const [hours, minutes, secs] = [Math.floor(total / 3600), Math.floor(total / 60) % 60, total % 60];
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${hours > 0 ? `${hours}:${pad(minutes)}` : minutes}:${pad(secs)}.${tenths % 10}`;
}

/** The moment a shared link names: `#t=12.3` (or `?t=12.3`), in seconds; 0 when none. */
export function linkedMoment(location: Location): number {
  const hash = new URLSearchParams(location.hash.slice(1)).get('t');
  const value = Number(hash ?? new URLSearchParams(location.search).get('t') ?? 0);
  return Number.isFinite(value) && value > 0 ? value * 1000 : 0;
}

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the replay page has no #${id}`);
  return element as T;
}

/** Keys typed into a text field or list are the field's, not the player's; so is Space on a checkbox (it ticks it). */
function fieldKey(target: EventTarget | null, key: string): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLInputElement && (target.type === 'checkbox' || target.type === 'radio')) return key === ' ';
  return target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName);
}

/**
 * Play/pause, speeds, skip inactivity, the timeline as a scrubber, the clock, keyboard shortcuts
 * and the link to the moment shown (the address bar's `#t=` follows every pause and seek).
 * `offsets` are the event list's moments, for previous/next event; `follow` marks the current
 * entries of the lists.
 */
export function wireControls(player: Player, offsets: number[], follow: (now: number) => void): void {
  const play = byId<HTMLButtonElement>('play');
  const skip = byId<HTMLInputElement>('skip-inactive');
  const timeline = byId('timeline');
  const playhead = byId('playhead');
  const clock = byId('clock');
  const link = byId<HTMLAnchorElement>('moment-link');
  const speedButtons = SPEEDS.map((speed) => byId<HTMLButtonElement>(`speed-${speed}`));

  const render = () => {
    play.textContent = player.playing() ? 'Pause' : 'Play';
    play.setAttribute('aria-pressed', String(player.playing()));
    speedButtons.forEach((button, index) => button.setAttribute('aria-pressed', String(SPEEDS[index] === player.speed())));
    skip.checked = player.skipInactive();
    const moment = `#t=${(player.now() / 1000).toFixed(1)}`;
    link.href = moment;
    link.textContent = `Link to ${clockTime(player.now())}`;
    if (!player.playing()) history.replaceState(null, '', moment);
  };
  player.onChange(render);

  const previousEvent = () => offsets.filter((offset) => offset < player.now() - PREVIOUS_EVENT_SLACK_MS).at(-1) ?? 0;
  const nextEvent = () => offsets.find((offset) => offset > player.now() + 1);

  play.addEventListener('click', () => player.toggle());
  skip.addEventListener('change', () => player.setSkipInactive(skip.checked));
  speedButtons.forEach((button, index) => button.addEventListener('click', () => player.setSpeed(SPEEDS[index])));

  // Press and drag along the timeline: the playhead follows the pointer, the replay seeks on release.
  const offsetAt = (event: PointerEvent) => {
    const box = timeline.getBoundingClientRect();
    return Math.min(1, Math.max(0, (event.clientX - box.left) / box.width)) * player.total;
  };
  let dragging = false;
  timeline.addEventListener('pointerdown', (event) => {
    dragging = true;
    timeline.setPointerCapture(event.pointerId);
    playhead.style.left = percent(offsetAt(event), player.total);
  });
  timeline.addEventListener('pointermove', (event) => {
    if (dragging) playhead.style.left = percent(offsetAt(event), player.total);
  });
  timeline.addEventListener('pointerup', (event) => {
    dragging = false;
    void player.seek(offsetAt(event));
  });

  document.addEventListener('keydown', (event) => {
    if (fieldKey(event.target, event.key) || event.ctrlKey || event.metaKey || event.altKey) return;
    const speed = SPEEDS[Number(event.key) - 1];
    if (event.key === ' ') player.toggle();
    else if (event.key === 'ArrowLeft') void player.seek(event.shiftKey ? previousEvent() : player.now() - ARROW_STEP_MS);
    else if (event.key === 'ArrowRight') {
      const next = event.shiftKey ? nextEvent() : player.now() + ARROW_STEP_MS;
      if (next !== undefined) void player.seek(next);
    } else if (speed !== undefined && !event.shiftKey) player.setSpeed(speed);
    else return;
    event.preventDefault();
  });

  const tick = () => {
    player.tick();
    const now = player.now();
    if (!dragging) playhead.style.left = percent(now, player.total);
    clock.textContent = `${clockTime(now)} / ${clockTime(player.total)}`;
    clock.setAttribute('data-ms', String(Math.round(now)));
    follow(now);
    requestAnimationFrame(tick);
  };
  render();
  requestAnimationFrame(tick);
}
