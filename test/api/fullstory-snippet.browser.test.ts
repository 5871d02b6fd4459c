import { expect, test } from 'vitest';
import { apiFactsOf, fsScript, useBrowserAndSite } from './harness';
import { FULLSTORY_V1_LOADER, FULLSTORY_V2_LOADER, fullStoryPage } from './fixtures/fullstory-style-snippets';

const env = useBrowserAndSite();

// Where the customer's page now loads fs.js from: an https CDN-like URL, served by the test.
const SCRIPT = 'cdn.openstory.test/s/fs.js';

for (const [version, loader] of [
  ['v1', FULLSTORY_V1_LOADER],
  ['v2', FULLSTORY_V2_LOADER],
] as const) {
  test(`a page written for FullStory's ${version} snippet records by changing only _fs_script and _fs_host`, async () => {
    env.site.bundles.length = 0;
    env.site.pages.set(`/fullstory-${version}`, fullStoryPage(loader, { host: env.site.url, script: SCRIPT, org: 'o-test' }));
    const page = await env.browser.newPage();
    await page.route(`https://${SCRIPT}`, async (route) =>
      route.fulfill({
        body: await fsScript(),
        headers: { 'content-type': 'text/javascript', 'access-control-allow-origin': '*' },
      }),
    );
    await page.goto(`${env.site.url}/fullstory-${version}`);
    // Untouched FullStory pages get the transport's default batching window (5 s).
    await expect.poll(() => apiFactsOf(env.site.bundles).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(5);
    const facts = apiFactsOf(env.site.bundles);
    expect(facts.map((fact) => fact.tag)).toEqual(['identity', 'userVars', 'custom', 'userVars', 'log']);
    expect(facts[0].payload).toMatchObject({ UserAppKey: 'customer-7' });
    expect(facts[1].payload).toEqual({ UserDisplayName: 'Grace', UserEmail: 'grace@example.com', vars: { plan_str: 'team' } });
    expect(facts[2].payload).toEqual({ EventCustomName: 'Signed Up', properties: { referrer_str: 'ad', seats_int: 5 } });
    expect(facts[3].payload).toEqual({ vars: { onboarded_bool: true } });
    expect(facts[4].payload).toEqual({ level: 'info', message: 'hello from a FullStory page' });
    expect(env.site.bundles.every((bundle) => bundle.orgId === 'o-test')).toBe(true);

    // After fs.js is in, the same calls go straight through the stub.
    await page.evaluate(() => (window as unknown as { FS: { event(name: string): void } }).FS.event('Later'));
    await expect.poll(() => apiFactsOf(env.site.bundles).some((fact) => fact.payload.EventCustomName === 'Later'), { timeout: 15_000 }).toBe(true);
    expect(await page.evaluate(() => 'q' in (window as unknown as { FS: object }).FS)).toBe(false);
    await page.close();
  });
}
