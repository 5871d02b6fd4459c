import { expect, test } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { API_FACT_TAGS, factsOf, hidePage, useBrowserAndSite } from './harness';

const env = useBrowserAndSite();

type FSWindow = Window & { FS: any; __globals: Record<string, unknown>; __unchanged(): string[] };
const call = (page: Page, script: string) => page.evaluate(script);
const sent = (org: string) => factsOf(env.site.bundles.filter((bundle) => bundle.orgId === org));
/** What the API put in the stream: event names for custom events, tags for the others. */
const names = (org: string) =>
  sent(org)
    .filter((fact) => API_FACT_TAGS.includes(fact.tag))
    .map((fact) => fact.payload.EventCustomName ?? fact.tag);

/** Globals any part might patch, captured before fs.js runs; __unchanged lists the ones still original. */
const GLOBALS_PROBE = `<script>
(function () {
  var targets = {
    'console.log': [console, 'log'], 'console.info': [console, 'info'], 'console.warn': [console, 'warn'],
    'console.error': [console, 'error'], 'console.debug': [console, 'debug'],
    'history.pushState': [history, 'pushState'], 'history.replaceState': [history, 'replaceState'],
    'window.fetch': [window, 'fetch'], 'window.open': [window, 'open'],
    'XMLHttpRequest.open': [XMLHttpRequest.prototype, 'open'], 'XMLHttpRequest.send': [XMLHttpRequest.prototype, 'send'],
    'CSSStyleSheet.insertRule': [CSSStyleSheet.prototype, 'insertRule'], 'CSSStyleSheet.deleteRule': [CSSStyleSheet.prototype, 'deleteRule'],
    'CSSStyleSheet.replace': [CSSStyleSheet.prototype, 'replace'], 'CSSStyleSheet.replaceSync': [CSSStyleSheet.prototype, 'replaceSync'],
    'Element.attachShadow': [Element.prototype, 'attachShadow'],
    'HTMLInputElement.value': [Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value'), 'set'],
  };
  var originals = {};
  Object.keys(targets).forEach(function (name) { originals[name] = targets[name][0][targets[name][1]]; });
  window.__changed = function () {
    return Object.keys(targets).filter(function (name) {
      var t = targets[name];
      var now = name === 'HTMLInputElement.value' ? Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set : t[0][t[1]];
      return now !== originals[name];
    });
  };
})();
</script>`;

test('shutdown restores every patched global and stops capture; restart resumes in the same session', async () => {
  env.site.pages.set('/lifecycle', await env.site.snippetPage({ vars: { _fs_org: 'o-life' }, head: GLOBALS_PROBE, body: '<input id="field"><button id="b">b</button>' }));
  const page = await env.browser.newPage();
  await page.goto(`${env.site.url}/lifecycle`);
  await page.waitForFunction(() => !('q' in (window as unknown as FSWindow).FS));
  const patched = (await call(page, 'window.__changed()')) as string[];
  // Capture patches some globals (the page part counts console calls), or this test proves nothing.
  expect(patched.length).toBeGreaterThan(0);
  await call(page, "FS.event('before shutdown')");
  await expect.poll(() => names('o-life'), { timeout: 15_000 }).toContain('before shutdown');

  await call(page, 'FS.shutdown()');
  const shutAt = (await call(page, 'Date.now()')) as number;
  expect(await call(page, 'window.__changed()')).toEqual([]);
  await call(page, "FS.event('while shut down'); console.error('not counted'); history.pushState({}, '', '/lifecycle?moved');");
  await page.click('#b');
  await page.fill('#field', 'typed while shut down');

  const restartAt = (await call(page, 'Date.now()')) as number;
  await call(page, "FS('restart')");
  expect(((await call(page, 'window.__changed()')) as string[]).sort()).toEqual([...patched].sort());
  await call(page, "FS.event('after restart')");
  await expect.poll(() => names('o-life'), { timeout: 15_000 }).toContain('after restart');
  const facts = sent('o-life');
  expect(names('o-life')).not.toContain('while shut down');
  const before = facts.find((fact) => fact.payload.EventCustomName === 'before shutdown')!;
  const after = facts.find((fact) => fact.payload.EventCustomName === 'after restart')!;
  expect(after.sessionId).toBe(before.sessionId);
  expect(after.userId).toBe(before.userId);
  // Nothing recorded between shutdown and restart reached the collector.
  const pages = new Set(env.site.bundles.filter((bundle) => bundle.orgId === 'o-life').map((bundle) => bundle.pageId));
  const recordedWhileShutDown = env.site.bundles
    .filter((bundle) => bundle.orgId === 'o-life')
    .flatMap((bundle) => bundle.events)
    .filter((event) => event.timestamp > shutAt && event.timestamp < restartAt);
  expect(recordedWhileShutDown).toEqual([]);
  // FullStory's restart continues the page view: one page record, its numbering going on.
  expect(pages.size).toBe(1);

  await call(page, 'FS.shutdown()');
  expect(await call(page, 'window.__changed()')).toEqual([]);
  await page.close();
});

async function consentPage(context: BrowserContext) {
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (request) => requests.push(`${request.method()} ${new URL(request.url()).pathname}`));
  await page.goto(`${env.site.url}/consent`);
  await page.waitForFunction(() => !('q' in (window as unknown as FSWindow).FS));
  return { page, requests };
}

const storage = async (context: BrowserContext, page: Page) => ({
  cookies: (await context.cookies()).map((cookie) => `${cookie.name}=${cookie.value.slice(0, 1)}`).sort(),
  databases: await page.evaluate(async () => (await indexedDB.databases()).length),
});

test('requireConsent: nothing is stored or sent before consent(true); consent(false) stops and forgets', async () => {
  env.site.pages.set('/consent', await env.site.snippetPage({ vars: { _fs_org: 'o-consent', _fs_options: { requireConsent: true } } }));
  const context = await env.browser.newContext();
  const { page, requests } = await consentPage(context);
  await call(page, "FS.identify('dana'); FS.event('before consent')");
  await page.waitForTimeout(300);
  expect(requests.filter((request) => request.startsWith('POST'))).toEqual([]);
  expect(await storage(context, page)).toEqual({ cookies: [], databases: 0 });
  expect(await call(page, 'FS.getCurrentSessionURL()')).toBeNull();

  await call(page, 'FS.consent(true)');
  await expect.poll(() => names('o-consent'), { timeout: 15_000 }).toEqual(['consent', 'identity', 'before consent']);
  expect((await storage(context, page)).cookies).toEqual(['_os_consent=1', '_os_ses=s', '_os_uid=u']);

  // Consent is remembered on the next page.
  await page.reload();
  await call(page, "FS.event('next page')");
  await expect.poll(() => names('o-consent'), { timeout: 15_000 }).toContain('next page');

  await call(page, "FS('setIdentity', { consent: false })");
  await call(page, "FS.event('after refusal')");
  await page.waitForTimeout(300);
  expect(names('o-consent')).not.toContain('after refusal');
  expect((await storage(context, page)).cookies).toEqual(['_os_consent=0']);
  await page.close();
  await context.close();
});

const hideAndLeave = async (page: Page) => {
  await hidePage(page);
  await page.close({ runBeforeUnload: true });
};

test('with requireConsent, consent(false) deletes what the transport still holds locally', async () => {
  const slow = { requireConsent: true, transport: { thresholds: { timeMs: 60_000 } } };
  const context = await env.browser.newContext();
  // Control: without the refusal, hiding the page sends the buffered event.
  env.site.pages.set('/consent', await env.site.snippetPage({ vars: { _fs_org: 'o-kept', _fs_options: slow } }));
  const kept = await consentPage(context);
  await call(kept.page, "FS.consent(true); FS.event('held in the buffer')");
  await hideAndLeave(kept.page);
  await expect.poll(() => names('o-kept'), { timeout: 15_000 }).toContain('held in the buffer');

  env.site.pages.set('/consent', await env.site.snippetPage({ vars: { _fs_org: 'o-discard', _fs_options: slow } }));
  const { page } = await consentPage(context);
  await call(page, "FS.consent(true); FS.event('held in the buffer')");
  await call(page, 'FS.consent(false)');
  await hideAndLeave(page);
  await new Promise((done) => setTimeout(done, 300));
  expect(names('o-discard')).not.toContain('held in the buffer');
  await context.close();
});
