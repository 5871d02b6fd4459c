import { gunzipSync, constants } from 'node:zlib';
import { expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { factsOf, hidePage, useBrowserAndSite } from '../api/harness';

/*
 * The privacy promises end to end, as a site written for FullStory gets them: the real fs.js and
 * snippet, no openstory privacy option, the real transport. Every request body the collector
 * receives is decompressed and scanned, and so is every IndexedDB and localStorage write.
 */

const env = useBrowserAndSite();
const SENTINEL = 'SNTL';

/** Records what the page writes to IndexedDB and localStorage, bodies as byte arrays. */
const RECORD_WRITES = `
  window.__writes = [];
  const keep = (value) => {
    try {
      window.__writes.push(JSON.stringify(value, (key, item) => (item instanceof Uint8Array ? Array.from(item) : item)));
    } catch (error) { window.__writes.push(String(value)); }
  };
  for (const method of ['put', 'add']) {
    const original = IDBObjectStore.prototype[method];
    IDBObjectStore.prototype[method] = function (value, key) { keep(value); return original.apply(this, arguments); };
  }
  const setItem = Storage.prototype.setItem;
  Storage.prototype.setItem = function (key, value) { keep(String(key) + '=' + String(value)); return setItem.apply(this, arguments); };
`;

/** Text of every gzip stream found in the bytes (stored bodies are gzipped bundles). */
function inflateAll(bytes: Buffer): string {
  let text = '';
  for (let at = bytes.indexOf(0x1f); at !== -1; at = bytes.indexOf(0x1f, at + 1)) {
    if (bytes[at + 1] !== 0x8b) continue;
    try {
      text += gunzipSync(bytes.subarray(at), { finishFlush: constants.Z_SYNC_FLUSH }).toString('utf8');
    } catch {
      // not a stream after all
    }
  }
  return text;
}

async function storedWrites(page: Page): Promise<string> {
  const writes = (await page.evaluate('window.__writes')) as string[];
  return writes
    .map((write) => {
      const arrays = [...write.matchAll(/\[(\d+(?:,\d+)*)\]/g)].map((match) => Buffer.from(match[1].split(',').map(Number)));
      const chars = Buffer.from([...write].map((char) => char.charCodeAt(0) & 0xff));
      return write + arrays.map(inflateAll).join('') + inflateAll(chars);
    })
    .join('\n');
}

const FIELDS = ['text', 'email', 'tel', 'search', 'url'].map((type) => `<input id="in-${type}" type="${type}" placeholder="ok">`).join('');
const PAGE_BODY = `
  <p id="control">VISIBLE_CONTROL</p>
  <button id="pay">Pay BUTTON_TEXT</button>
  <div class="fs-exclude" title="${SENTINEL}-ex-title" aria-label="${SENTINEL}-ex-aria">${SENTINEL}-ex-text
    <img alt="${SENTINEL}-ex-alt"><input placeholder="${SENTINEL}-ex-placeholder" value="${SENTINEL}-ex-value">
    <button id="boom" onclick="throw new Error('${SENTINEL}-error-message')">boom</button>
  </div>
  <div class="fs-block">${SENTINEL}-block-text<span title="${SENTINEL}-block-title"></span></div>
  <div class="fs-mask" title="${SENTINEL}-mask-title">${SENTINEL}-mask-text<img alt="${SENTINEL}-mask-alt">
    <input placeholder="${SENTINEL}-mask-placeholder" aria-label="${SENTINEL}-mask-aria" value="${SENTINEL}-mask-value"></div>
  ${FIELDS}
  <input id="in-number" type="number"><input id="in-date" type="date"><input id="in-pw" type="password">
  <textarea id="ta"></textarea>
  <select id="sel"><option value="">pick</option><option value="${SENTINEL}-opt-value">${SENTINEL}-opt-text</option></select>
  <input type="radio" name="r" id="radio" value="${SENTINEL}-radio"><input type="checkbox" id="check" value="${SENTINEL}-check">
  <div id="editable" contenteditable="true"></div>
  <div class="fs-unmask"><input id="unmasked"><input id="unmasked-pw" type="password"></div>
  <p class="fs-exclude-without-consent">${SENTINEL}-consent-exclude</p>
  <p class="fs-mask-without-consent">${SENTINEL}-consent-mask</p>
  <p class="fs-unmask-with-consent">${SENTINEL}-consent-unmask</p>
  <div id="host"></div><div id="excluded-host" class="fs-exclude"></div>
  <iframe id="frame" src="/no-leak-init-frame.html"></iframe>
  <script>
    document.getElementById('host').attachShadow({ mode: 'open' }).innerHTML = '<input id="shadow-input"><p class="fs-mask">${SENTINEL}-shadow-masked</p>';
    document.getElementById('excluded-host').attachShadow({ mode: 'open' }).innerHTML = '<p>${SENTINEL}-shadow-excluded</p>';
  </script>
`;

/** Types a sentinel into every kind of field the page has, as a visitor would. */
async function fillEverything(page: Page) {
  for (const type of ['text', 'email', 'tel', 'search', 'url']) await page.fill(`#in-${type}`, `${SENTINEL}-typed-${type}`);
  await page.fill('#in-number', '987654321');
  await page.fill('#in-date', '2031-12-25');
  await page.fill('#in-pw', `${SENTINEL}-typed-pw`);
  await page.fill('#ta', `${SENTINEL}-typed-textarea`);
  await page.selectOption('#sel', `${SENTINEL}-opt-value`);
  await page.check('#radio');
  await page.check('#check');
  await page.click('#editable');
  await page.keyboard.type(`${SENTINEL}-typed-editable`);
  await page.fill('#unmasked', 'UNMASKED_CONTROL');
  await page.fill('#unmasked-pw', `${SENTINEL}-typed-unmasked-pw`);
  await page.locator('#shadow-input').fill(`${SENTINEL}-typed-shadow`);
  await page.frameLocator('#frame').locator('#frame-input').fill(`${SENTINEL}-typed-frame`);
}

async function visit(path: string, query: string, vars: Record<string, unknown> = {}) {
  env.site.pages.set('/no-leak-init-frame.html', `<!doctype html><input id="frame-input"><p class="fs-exclude">${SENTINEL}-frame-excluded</p>`);
  env.site.pages.set(path, await env.site.snippetPage({ vars: { _fs_org: `o${path.replace(/\W/g, '-')}`, ...vars }, body: PAGE_BODY }));
  const context = await env.browser.newContext();
  await context.addInitScript(RECORD_WRITES);
  const page = await context.newPage();
  await page.goto(`${env.site.url}${path}?${query}`, { referer: `${env.site.url}/from?token=${SENTINEL}-referrer-token&ok=1` });
  await page.waitForFunction(() => typeof (window as unknown as { FS: { getCurrentSessionURL(): unknown } }).FS.getCurrentSessionURL() === 'string');
  return { context, page, orgId: `o${path.replace(/\W/g, '-')}` };
}

const bodiesOf = (orgId: string) => env.site.bodies.filter((body) => body.includes(`"orgId":"${orgId}"`)).join('\n');

test('a page written for FullStory sends no sentinel: excluded, masked, form fields, consent classes, secret URLs, errors, storage', async () => {
  const { context, page, orgId } = await visit('/no-leak-init', `token=${SENTINEL}-token&email=${SENTINEL}%40x.test&page=2`);
  await page.evaluate(`history.pushState({}, '', '?code=${SENTINEL}-spa-code&tab=2')`);
  // The exclude-after-first-click case: both click facts are sent after the exclusion.
  await page.click('#pay');
  const excludedAt = await page.evaluate(() => {
    document.getElementById('pay')?.classList.add('fs-exclude');
    return Date.now();
  });
  await page.click('#pay');
  await page.click('#boom');
  await fillEverything(page);
  await page.click('#control');
  await hidePage(page);
  await expect.poll(() => factsOf(env.site.bundles.filter((bundle) => bundle.orgId === orgId)).filter((fact) => fact.tag === 'click').length, { timeout: 15_000 }).toBeGreaterThanOrEqual(4);
  await page.waitForTimeout(300);

  const sent = bodiesOf(orgId);
  // The button's text was recorded before it was excluded, and never after: no click fact has it.
  const events = env.site.bundles.filter((bundle) => bundle.orgId === orgId).flatMap((bundle) => bundle.events);
  expect(JSON.stringify(events.filter((event) => event.timestamp >= excludedAt))).not.toContain('BUTTON_TEXT');
  expect(sent).toContain('BUTTON_TEXT');
  expect(sent).toContain('VISIBLE_CONTROL');
  expect(sent).toContain('UNMASKED_CONTROL');
  expect(sent).toContain('"page=2'.slice(1));
  expect(sent).toMatch(/"tag":"error"/);
  expect(sent).not.toContain(SENTINEL);
  for (const typed of ['987654321', '2031-12-25']) expect(sent).not.toContain(typed);
  const stored = await storedWrites(page);
  expect(stored).toContain('VISIBLE_CONTROL');
  expect(stored).not.toContain(SENTINEL);
  await context.close();
});

test('after FS.consent(true) the consent classes lift; revoking applies them again', async () => {
  const { context, page, orgId } = await visit('/consent-init', 'x=1');
  await page.evaluate(() => (window as unknown as { FS: { consent(granted: boolean): void } }).FS.consent(true));
  await page.waitForTimeout(200);
  await page.evaluate(() => {
    const fs = (window as unknown as { FS: { consent(granted: boolean): void } }).FS;
    fs.consent(false);
    for (const element of document.querySelectorAll('[class*=consent]')) element.append(' LATER');
  });
  await hidePage(page);
  await expect.poll(() => bodiesOf(orgId), { timeout: 15_000 }).toContain(`${SENTINEL}-consent-unmask`);
  await page.waitForTimeout(300);
  const sent = bodiesOf(orgId);
  expect(sent).toContain(`${SENTINEL}-consent-exclude`);
  expect(sent).toContain(`${SENTINEL}-consent-mask`);
  // After revocation: the last page record shows none of them.
  const pages = env.site.bundles.filter((bundle) => bundle.orgId === orgId).map((bundle) => bundle.pageId);
  const last = env.site.bundles.filter((bundle) => bundle.pageId === pages[pages.length - 1]);
  expect(pages.length).toBeGreaterThanOrEqual(2);
  expect(JSON.stringify(last)).not.toContain(SENTINEL);
  await context.close();
});
