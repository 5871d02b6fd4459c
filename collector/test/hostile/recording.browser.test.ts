import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../../test/helpers/chromium';
import { factAt, makeBundle, pageMetadata, startTestCollector, T0, type TestCollector } from '../fixtures';

/**
 * Recorded content is hostile (issue 18, item 6): a recording full of scripts, handlers,
 * `javascript:` URLs, refresh and base tags, forms and SVG scripts, and HTML in every recorded
 * string the viewer shows, is listed, searched and replayed; nothing of it runs in the viewer's
 * origin, navigates the viewer, or becomes markup in the viewer's own pages.
 */
let browser: Browser;
let collector: TestCollector;
const RUN = 'parent.__pwned = (parent.__pwned || 0) + 1; top.__pwned = (top.__pwned || 0) + 1';
const MARKUP = '<b class="injected">x</b><img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>';

const element = (id: number, tagName: string, attributes: Record<string, string>, childNodes: unknown[] = []) =>
  ({ type: 2, id, tagName, attributes, childNodes });
const textNode = (id: number, textContent: string) => ({ type: 3, id, textContent });

/** A full snapshot whose page tries everything a page can to run code or move its embedder. */
function hostileSnapshot(at: number) {
  return [
    { type: 4, timestamp: at, data: { href: `https://shop.example/${MARKUP}`, width: 1280, height: 720 } },
    { type: 2, timestamp: at + 1, data: { initialOffset: { top: 0, left: 0 }, node: { type: 0, id: 1, childNodes: [
      { type: 1, id: 2, name: 'html', publicId: '', systemId: '' },
      element(3, 'html', {}, [
        element(4, 'head', {}, [
          element(10, 'base', { href: 'https://evil.example/' }),
          element(11, 'meta', { 'http-equiv': 'refresh', content: '0;url=https://evil.example/' }),
          element(12, 'script', {}, [textNode(13, RUN)]),
        ]),
        element(5, 'body', { onload: RUN }, [
          element(20, 'h1', { id: 'title' }, [textNode(21, 'Hostile page')]),
          element(22, 'img', { src: 'x', onerror: RUN }),
          element(23, 'a', { id: 'js-link', href: `javascript:${RUN}` }, [textNode(24, 'click me')]),
          element(25, 'form', { id: 'form', action: '/segments', method: 'post' }, [
            element(26, 'input', { name: 'org', value: 'o-demo' }),
            element(27, 'input', { name: 'name', value: 'planted' }),
            element(28, 'button', { id: 'submit', type: 'submit' }, [textNode(29, 'go')]),
          ]),
          element(30, 'svg', {}, [element(31, 'script', {}, [textNode(32, RUN)])]),
          element(33, 'iframe', { srcdoc: `<script>${RUN}</script>` }),
          element(34, 'details', { open: '', ontoggle: RUN }),
        ]),
      ]),
    ] } } },
  ];
}

beforeAll(async () => {
  [browser, collector] = await Promise.all([launchChromium(), startTestCollector({ now: () => T0 + 7200_000 })]);
  const bundle = makeBundle({
    userId: 'u-mallory', sessionId: 's-6', pageId: 'p-6',
    page: pageMetadata({ url: `https://shop.example/?q=${MARKUP}`, referrer: `javascript:${RUN}`, userAgent: MARKUP }),
    events: [
      ...hostileSnapshot(T0 + 10),
      factAt('identity', { UserAppKey: MARKUP, UserId: 'u-mallory' }, T0 + 20),
      factAt('userVars', { UserEmail: MARKUP, UserDisplayName: MARKUP, vars: { plan_str: MARKUP } }, T0 + 21),
      factAt('navigate', { PageUrl: `javascript:${RUN}`, EventSubType: 'spa', EventModSuspicious: 0 }, T0 + 30),
      factAt('pageVars', { PageName: MARKUP, vars: {} }, T0 + 31),
      factAt('custom', { EventCustomName: MARKUP, properties: { note_str: MARKUP } }, T0 + 40),
      factAt('click', { EventTargetText: MARKUP, EventTargetSelectorTok: MARKUP, EventModFrustrated: 1, EventModDead: 1, EventModError: 0 }, T0 + 50),
      factAt('log', { level: 'error', message: MARKUP, console: 1 }, T0 + 60),
      factAt('request', { EventStart: T0 + 70, ReqUrl: `javascript:${RUN}`, ReqMethod: MARKUP, ReqStatus: 500, duration: 1, initiator: MARKUP }, T0 + 71),
      factAt('error', { message: MARKUP, kind: 'error', EventWebSourceFileUrl: `javascript:${RUN}`, line: 1, column: 1 }, T0 + 80),
    ] as never,
  });
  expect((await collector.send(bundle)).status).toBe(200);
});
afterAll(async () => {
  await browser?.close();
  await collector?.dispose();
});

/** Nothing ran in the viewer's window, no dialog opened, nothing became markup, the viewer stayed where it was. */
async function untouched(page: Page, url: string, dialogs: string[]) {
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(await page.locator('.injected').count()).toBe(0);
  expect(await page.locator('body script').count()).toBe(0);
  // The player writes the moment shown into the address (#t=…, the shareable link); anything else is a navigation.
  expect(page.url().replace(/#t=\d+(\.\d)?$/, '')).toBe(url);
  expect(dialogs).toEqual([]);
}

async function viewerPage(url: string): Promise<{ page: Page; dialogs: string[]; requests: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const dialogs: string[] = [];
  const requests: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  // Requests that got an answer: a recorded URL may be attempted (the <base> retargets the image), the CSP must stop it.
  page.on('requestfinished', (request) => requests.push(request.url()));
  await page.goto(url);
  return { page, dialogs, requests };
}

test('the session list and its search show every recorded string as text', async () => {
  for (const query of ['', `?user=${encodeURIComponent('<b')}`, `?url=${encodeURIComponent(MARKUP)}`, '?eventName=x&pageName=%3Cb%3E']) {
    const url = `${collector.url}/sessions${query}`;
    const { page, dialogs } = await viewerPage(url);
    await untouched(page, url, dialogs);
    if (query === '') expect(await page.locator('tr[data-session] strong').innerText()).toBe(MARKUP);
    await page.close();
  }
});

test('the replay keeps the hostile page inside its sandboxed frame: no script, handler, link, refresh, base or form reaches the viewer', async () => {
  const url = `${collector.url}/sessions/${encodeURIComponent('o-demo.u-mallory.s-6')}`;
  const { page, dialogs, requests } = await viewerPage(url);
  await page.waitForSelector('#replay[data-state="ready"]', { state: 'attached' });
  const frame = page.frameLocator('#replay iframe');
  await expect.poll(() => frame.locator('#title').textContent()).toBe('Hostile page');
  await page.click('#play');
  await frame.locator('#js-link').click({ force: true }).catch(() => undefined);
  await frame.locator('#submit').click({ force: true }).catch(() => undefined);
  await frame.locator('img').dispatchEvent('error');
  // Time for a refresh, a form post or a late handler to act.
  await page.waitForTimeout(1500);
  await untouched(page, url, dialogs);
  expect(await collector.storage.listSegments('o-demo')).toEqual([]);
  expect(requests.filter((request) => !request.startsWith(collector.url))).toEqual([]);
  expect(await page.locator('#facts').innerText()).toContain(MARKUP.slice(0, 20));
  expect(await page.locator('#console').innerText()).toContain(MARKUP.slice(0, 20));
  await page.close();
});
