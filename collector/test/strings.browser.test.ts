import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { STRING_REF, stringId } from 'openstory/vocabulary';
import { RRWEB_UMD_PATH } from '../../test/helpers/bundle';
import { sessionEvents } from './fixtures';
import { useRecordedSite } from './recorded-site';

/**
 * The string table end to end: three page loads of examples/script-tag (one stylesheet, style.css)
 * through the real fs.js and the real collector. The stylesheet text travels once; what the
 * viewer serves is plain rrweb events, and rrweb's Replayer applies the stylesheet on every page.
 */
const EXAMPLES_ROOT = fileURLToPath(new URL('../../examples', import.meta.url));
const PAGES = ['index.html', 'signup.html', 'account.html'];
const recorded = useRecordedSite(EXAMPLES_ROOT);

test('a multi-page session sends the shared stylesheet once, and events.json replays it on every page with no reference left', async () => {
  const { collector, site, browser } = recorded();
  const context = await browser.newContext();
  const page = await context.newPage();
  for (const path of PAGES) {
    await page.goto(`${site.url}/script-tag/${path}`);
    await page.waitForFunction(() => typeof (window as any).FS === 'function' && !(window as any).FS.q);
    // The page moves on once the collector acknowledged a string: the next page then only references it.
    await page.waitForFunction(() =>
      Object.keys(localStorage).some((key) => key.startsWith('openstory:strings:') && localStorage.getItem(key)!.split(' ').length > 1),
    );
  }
  await page.goto('about:blank');

  // The last page's tail travels in its swan song: wait until the collector stored every snapshot.
  const storedEvents = async () => {
    const [session] = await collector.storage.listSessions({ limit: 10 });
    return session ? { session, stored: await sessionEvents(collector.storage, session.orgId, session.userId, session.sessionId) } : undefined;
  };
  await expect.poll(async () => (await storedEvents())?.stored.filter((event) => event.type === 2).length, { timeout: 20_000 }).toBe(PAGES.length);
  // Its last events (the vitals web-vitals reports as the page hides) may come in a request of their own.
  const lastPageEnded = (stored: Array<{ type: number; data?: unknown }>) =>
    stored
      .slice(stored.map((event) => event.type).lastIndexOf(4))
      .some((event) => event.type === 5 && JSON.stringify(event.data).includes('"name":"CLS"'));
  await expect.poll(async () => lastPageEnded((await storedEvents())!.stored as Array<{ type: number; data?: unknown }>), { timeout: 20_000 }).toBe(true);
  const { session, stored } = (await storedEvents())!;
  expect(session.pages).toBe(PAGES.length);
  const snapshots = stored.filter((event) => event.type === 2);
  // Stored: every snapshot references the stylesheet; the session's string table holds its text.
  expect(snapshots.every((event) => JSON.stringify(event).includes(STRING_REF))).toBe(true);
  const ids = [...new Set(snapshots.flatMap((event) => [...JSON.stringify(event).matchAll(/"\ue000([0-9a-z.]+)"/g)].map((match) => match[1])))];
  expect(ids).toHaveLength(1);
  const table = await collector.storage.sessionStrings(session.orgId, session.userId, session.sessionId, ids);
  const css = table.get(ids[0])!;
  expect(stringId(css)).toBe(ids[0]);
  expect(css).toContain('max-width: 40rem');

  const url = `${collector.url}/sessions/${session.orgId}.${session.userId}.${session.sessionId}/events.json`;
  const served = await fetch(url);
  expect(served.status).toBe(200);
  const text = await served.text();
  expect(text).not.toContain(STRING_REF);
  // Paged as the replay page reads it, here a few bundles a page: the same events.
  const paged: unknown[] = [];
  let pages = 0;
  for (let next: string | null = ''; next !== null; pages++) {
    const answer: { events: unknown[]; next: string | null } = await (await fetch(`${url}?limit=4096&after=${next}`)).json();
    paged.push(...answer.events);
    next = answer.next;
  }
  expect(pages).toBeGreaterThan(PAGES.length);
  expect(paged).toEqual(JSON.parse(text));

  const player = await context.newPage();
  await player.setContent('<!doctype html><div id="player"></div>');
  await player.addScriptTag({ content: readFileSync(RRWEB_UMD_PATH, 'utf8') });
  const replayed = await player.evaluate((json) => {
    const events = JSON.parse(json) as Array<{ type: number; timestamp: number }>;
    const { Replayer } = (window as any).rrweb;
    // Each page in turn, from its Meta event to the next page's (the Replayer starts over at a Meta).
    const starts = events.map((event, index) => (event.type === 4 ? index : -1)).filter((index) => index >= 0);
    return starts.map((start, n) => {
      const slice = events.slice(start, starts[n + 1] ?? events.length);
      const times = slice.map((event) => event.timestamp);
      const replayer = new Replayer(slice, { root: document.getElementById('player'), showWarning: false });
      // Facts may carry earlier times than the events around them: play to the latest.
      replayer.pause(Math.max(...times) - Math.min(...times) + 1);
      const doc = replayer.iframe.contentDocument as Document;
      const result = { heading: doc.querySelector('h1')?.textContent, maxWidth: getComputedStyle(doc.body).maxWidth };
      replayer.destroy();
      return result;
    });
  }, text);
  expect(replayed).toEqual([
    { heading: 'Harbor Supplies', maxWidth: '640px' },
    { heading: 'Create your account', maxWidth: '640px' },
    { heading: 'Your account', maxWidth: '640px' },
  ]);
  await context.close();
});
