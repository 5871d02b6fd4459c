import { expect, test } from 'vitest';
import { useBrowserAndSite } from './harness';

const env = useBrowserAndSite();

/** The page's own console.error, which must keep running whoever wraps it. */
const PAGE_CONSOLE = `<script>
window.__originalErrors = [];
console.error = function () { window.__originalErrors.push(Array.prototype.slice.call(arguments).join(' ')); };
</script>`;

/** Another script (an error tracker, a router) wrapping pushState and console.error on top of ours. */
const FOREIGN_WRAPPERS = `
window.__theirCalls = [];
var ourPushState = history.pushState;
var ourError = console.error;
window.__theirPushState = history.pushState = function () { __theirCalls.push('pushState'); return ourPushState.apply(this, arguments); };
window.__theirError = console.error = function () { __theirCalls.push('error'); return ourError.apply(this, arguments); };
`;

test('in Chromium, a wrapper put on top of ours survives FS.shutdown() and still runs, and so does the original', async () => {
  env.site.pages.set('/wrapped', await env.site.snippetPage({ vars: { _fs_org: 'o-wrapped' }, head: PAGE_CONSOLE }));
  const page = await env.browser.newPage();
  await page.goto(`${env.site.url}/wrapped`);
  await page.waitForFunction(() => !('q' in (window as unknown as { FS: object }).FS));
  const ours = await page.evaluate(`[history.pushState !== History.prototype.pushState, console.error.toString().includes('__originalErrors')]`);
  // Capture wrapped both, or this test proves nothing.
  expect(ours).toEqual([true, false]);

  await page.evaluate(FOREIGN_WRAPPERS);
  await page.evaluate('FS.shutdown()');
  expect(await page.evaluate('[history.pushState === __theirPushState, console.error === __theirError]')).toEqual([true, true]);

  await page.evaluate(`history.pushState({}, '', '/wrapped-after-stop'); console.error('after stop');`);
  expect(await page.evaluate('__theirCalls')).toEqual(['pushState', 'error']);
  expect(await page.evaluate('location.pathname')).toBe('/wrapped-after-stop');
  expect(await page.evaluate('__originalErrors')).toEqual(['after stop']);
  await page.close();
});
