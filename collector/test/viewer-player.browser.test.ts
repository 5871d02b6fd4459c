import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../test/helpers/chromium';
import { PAGE_BYTES, WINDOW_BYTES } from '../src/viewer/client/feed';
import { startTestCollector, T0, type TestCollector } from './fixtures';
import { pngByteVariety } from './png';
import { AFTER_GAP_EVENTS, gapSession, GAP_MS, LONG_SESSION, longSession, stepLabel } from './replay-sessions';
import { aliceSession } from './session';

let browser: Browser;
let collector: TestCollector;
/** Event JSON characters of the long session, as stored. */
let longSessionBytes = 0;

beforeAll(async () => {
  [browser, collector] = await Promise.all([launchChromium(), startTestCollector({ now: () => T0 + 7200_000 })]);
  for (const bundle of [...aliceSession(), ...gapSession(), ...longSession()]) expect((await collector.send(bundle)).status).toBe(200);
  for await (const bundle of collector.storage.sessionEvents('o-demo', 'u-long', 's-long')) longSessionBytes += bundle.events.length;
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await collector?.dispose();
});

const url = (session: string, moment = '') => `${collector.url}/sessions/${encodeURIComponent(`o-demo.${session}`)}${moment}`;

/** Uncaught errors of each open page: none may have happened when the test closes it. */
const pageErrors = new Map<Page, string[]>();

async function open(address: string, viewport = { width: 1400, height: 900 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(address);
  await page.waitForSelector('#replay[data-state="ready"]', { state: 'attached' });
  return page;
}

async function close(page: Page): Promise<void> {
  expect(pageErrors.get(page)).toEqual([]);
  await page.close();
}

/** The replay's clock, in ms from the session's first event (the page writes it each frame). */
const clock = (page: Page) => page.locator('#clock').getAttribute('data-ms').then(Number);
const title = (page: Page) => page.frameLocator('#replay iframe').locator('#title').textContent();
/** The idle session's moments: offsets from its first event (its Meta, at T0 + 10). */
const idleOffset = (time: number) => time - (T0 + 10);

test('play/pause by button and space; speeds by buttons and keys 1–4 set the Replayer\'s speed; skip inactivity is the Replayer\'s', async () => {
  const page = await open(url('u-idle.s-idle', '#t=0.1'));
  const play = page.locator('#play');
  expect(await play.textContent()).toBe('Play');
  await play.click();
  await expect.poll(() => play.textContent()).toBe('Pause');
  await expect.poll(() => clock(page)).toBeGreaterThan(100);
  await page.keyboard.press('Space');
  await expect.poll(() => play.textContent()).toBe('Play');

  const replay = page.locator('#replay');
  expect(await replay.getAttribute('data-speed')).toBe('1');
  for (const [key, speed] of [['4', '8'], ['2', '2'], ['3', '4'], ['1', '1']]) {
    await page.keyboard.press(key);
    expect(await replay.getAttribute('data-speed')).toBe(speed);
    expect(await page.locator(`#speed-${speed}`).getAttribute('aria-pressed')).toBe('true');
  }
  await page.click('#speed-8');
  expect(await replay.getAttribute('data-speed')).toBe('8');
  expect(await page.locator('#speed-1').getAttribute('aria-pressed')).toBe('false');

  expect(await replay.getAttribute('data-skip-inactive')).toBe('true');
  await page.uncheck('#skip-inactive');
  expect(await replay.getAttribute('data-skip-inactive')).toBe('false');
  expect(await page.locator('.shortcuts').innerText()).toContain('Shift+← → previous/next event');
  await close(page);
});

test('skipping inactivity plays a 10-minute idle gap in seconds; without it the gap plays at the chosen speed', async () => {
  const page = await open(url('u-idle.s-idle'));
  // At 1x the gap alone would take ten minutes; rrweb fast-forwards to the next interaction.
  await expect.poll(() => clock(page), { timeout: 20_000 }).toBeGreaterThan(GAP_MS);
  await expect.poll(() => title(page)).toBe('after the gap');
  await close(page);

  // Without skipping, 8x plays the gap at 8x: well past its start, the replay is still inside it.
  const unskipped = await open(url('u-idle.s-idle', '#t=1'));
  await unskipped.uncheck('#skip-inactive');
  // Digits reach the player from the checkbox just ticked; Space would tick it.
  await unskipped.keyboard.press('4');
  expect(await unskipped.locator('#replay').getAttribute('data-speed')).toBe('8');
  await unskipped.click('#play');
  await expect.poll(() => clock(unskipped), { timeout: 20_000 }).toBeGreaterThan(16_000);
  expect(await clock(unskipped)).toBeLessThan(GAP_MS / 10);
  expect(await title(unskipped)).toBe(stepLabel(0, 0));
  await close(unskipped);
});

test('a link opens paused at its moment; arrows move 5 s, shift+arrows go to the previous/next event, the timeline seeks; the address follows', async () => {
  const page = await open(url('u-idle.s-idle', '#t=300'));
  expect(await page.locator('#play').textContent()).toBe('Play');
  expect(await clock(page)).toBe(300_000);
  expect(await title(page)).toBe(stepLabel(0, 0));

  await page.keyboard.press('ArrowRight');
  await expect.poll(() => clock(page)).toBe(305_000);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect.poll(() => clock(page)).toBe(295_000);
  expect(page.url()).toMatch(/#t=295\.0$/);

  const firstAfterGap = idleOffset(T0 + 10 + GAP_MS + 1000);
  await page.keyboard.press('Shift+ArrowRight');
  await expect.poll(() => clock(page)).toBe(firstAfterGap);
  await expect.poll(() => title(page)).toBe('after the gap');
  await page.keyboard.press('Shift+ArrowLeft');
  await expect.poll(() => clock(page)).toBe(idleOffset(T0 + 10 + 1000));
  expect(await page.locator('#moment-link').getAttribute('href')).toBe('#t=1.0');

  const timeline = await page.locator('#timeline').boundingBox();
  await page.mouse.click(timeline!.x + timeline!.width / 2, timeline!.y + timeline!.height / 2);
  const total = GAP_MS + AFTER_GAP_EVENTS * 1000;
  await expect.poll(async () => Math.abs((await clock(page)) - total / 2)).toBeLessThan(total / 50);

  // The link restores the moment in a new page too, through ?t= as well.
  const shared = await open(url('u-idle.s-idle', '?t=601'));
  expect(await clock(shared)).toBe(601_000);
  expect(await title(shared)).toBe('after the gap');
  await close(shared);
  await close(page);
});

test('the event list beside the player follows playback, keeps the current entry in view, and seeks on click', async () => {
  const page = await open(url('u-idle.s-idle', `#t=${GAP_MS / 1000 + 1.5}`));
  const current = page.locator('#facts li.current');
  await expect.poll(() => current.innerText()).toContain('Step 1');
  await page.locator('#facts li', { hasText: 'Step 35' }).click();
  await expect.poll(() => clock(page)).toBe(idleOffset(T0 + 10 + GAP_MS + 35_000));
  await expect.poll(() => current.innerText()).toContain('Step 35');
  await page.keyboard.press('Space');
  await page.keyboard.press('4');
  await expect.poll(() => current.innerText(), { timeout: 10_000 }).toContain(`Step ${AFTER_GAP_EVENTS}`);
  // The list scrolled by itself: its last entry is inside its visible box.
  const [list, entry] = await Promise.all([page.locator('#facts').boundingBox(), current.boundingBox()]);
  expect(entry!.y).toBeGreaterThanOrEqual(list!.y);
  expect(entry!.y + entry!.height).toBeLessThanOrEqual(list!.y + list!.height + 1);
  expect(await page.locator('#facts').evaluate((element) => element.scrollTop)).toBeGreaterThan(0);
  await close(page);
});

test('the player scales the recording to the window and follows its resizing', async () => {
  const page = await open(url('u-alice.s-1'), { width: 900, height: 700 });
  const width = async () => (await page.locator('#replay .replayer-wrapper').boundingBox())!.width;
  const narrow = await width();
  expect(narrow).toBeLessThan(1280);
  expect(narrow).toBeLessThanOrEqual((await page.locator('#replay').boundingBox())!.width + 1);
  await page.setViewportSize({ width: 1600, height: 1200 });
  await expect.poll(width).toBeGreaterThan(narrow);
  await close(page);
});

test('a session larger than the window: bounded fetch before playing, a far seek, and start to end within the window', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  pageErrors.set(page, []);
  page.on('pageerror', (error) => pageErrors.get(page)!.push(error.message));
  let fetchedBeforeReady = 0;
  let ready = false;
  const eventRequests: string[] = [];
  page.on('response', async (response) => {
    if (!response.url().includes('/events.json')) return;
    eventRequests.push(response.url());
    if (!ready) fetchedBeforeReady += (await response.body()).length;
  });
  await page.goto(url('u-long.s-long', '#t=0.1'));
  await page.waitForSelector('#replay[data-state="ready"]', { state: 'attached' });
  ready = true;
  const pageViewBytes = longSessionBytes / LONG_SESSION.pages;
  expect(longSessionBytes).toBeGreaterThan(WINDOW_BYTES + 2 * PAGE_BYTES);
  // One page of events: the first bundle is small, the page stops at the bundle that passes PAGE_BYTES.
  expect(fetchedBeforeReady).toBeLessThan(PAGE_BYTES + pageViewBytes / (LONG_SESSION.bundlesPerPage - 1));
  expect(await title(page)).toBe(stepLabel(0, 0));

  const held = async () => Number(await page.locator('#replay').getAttribute('data-held-bytes'));
  const last = LONG_SESSION.pages - 1;
  const timeline = (await page.locator('#timeline').boundingBox())!;
  await page.mouse.click(timeline.x + timeline.width * 0.97, timeline.y + timeline.height / 2);
  await expect.poll(() => title(page), { timeout: 20_000 }).toMatch(new RegExp(`^page ${last} step`));
  // Reading far ahead let go of every page view before the one shown.
  expect(await held()).toBeLessThan(pageViewBytes + PAGE_BYTES);

  await page.locator('#timeline').click({ position: { x: 1, y: 5 } });
  await expect.poll(() => title(page), { timeout: 20_000 }).toBe(stepLabel(0, 0));
  await page.keyboard.press('4');
  await page.keyboard.press('Space');
  let peak = 0;
  const seen = new Set<string>();
  await expect
    .poll(async () => {
      peak = Math.max(peak, await held());
      const shown = (await title(page)) ?? '';
      seen.add(shown.split(' step')[0]);
      return shown;
    }, { timeout: 60_000, interval: 100 })
    .toBe(stepLabel(last, LONG_SESSION.bundlesPerPage - 1));
  // Every page view played (each lasts 1.5 s at 8x): the window moved on without jumping ahead.
  expect([...seen].sort()).toEqual(Array.from({ length: LONG_SESSION.pages }, (_, page) => `page ${page}`));
  await expect.poll(() => page.locator('#play').textContent(), { timeout: 10_000 }).toBe('Play');
  expect(peak).toBeGreaterThan(0);
  expect(peak).toBeLessThan(WINDOW_BYTES + 2 * PAGE_BYTES);
  // Never the whole session in one answer: every request asked for a page.
  expect(eventRequests.length).toBeGreaterThan(LONG_SESSION.pages);
  expect(eventRequests.filter((request) => !new URL(request).searchParams.has('limit'))).toEqual([]);
  await close(page);
});

test('the replay page as a person sees it (docs/viewer-player.png)', async () => {
  const page = await open(url('u-alice.s-1', '#t=1.3'), { width: 1400, height: 900 });
  await expect.poll(() => page.locator('#facts li.current').count()).toBe(1);
  // UPDATE_SCREENSHOTS=1 refreshes the picture docs/viewer.md shows.
  const shot = await page.screenshot({ path: process.env.UPDATE_SCREENSHOTS ? 'docs/viewer-player.png' : undefined });
  expect(pngByteVariety(shot)).toBeGreaterThan(64);
  await close(page);
});
