import { expect, test } from 'vitest';
import { readFile } from 'node:fs/promises';
import { build } from 'esbuild';
import { apiFactsOf, factsOf, hidePage, useBrowserAndSite } from './harness';

const env = useBrowserAndSite();

/** An example file as `npm start` serves it: the snippet variables pointed at the collector. */
async function serveExample(path: string) {
  const text = await readFile(`examples${path}`, 'utf8');
  env.site.pages.set(path, text.replaceAll('http://127.0.0.1:8091/fs.js', `${env.site.url}/fs.js`).replaceAll('http://127.0.0.1:8090', env.site.url));
}

const everything = () => JSON.stringify(env.site.bundles);

test('examples/script-tag: events, identify across pages, excluded text never sent', async () => {
  env.site.bundles.length = 0;
  for (const file of ['index.html', 'signup.html', 'account.html', 'snippet.js', 'style.css']) await serveExample(`/script-tag/${file}`);
  const page = await env.browser.newPage();
  await page.goto(`${env.site.url}/script-tag/index.html`);
  await page.click('.add[data-sku="rope-20"]');
  await page.click('text=Sign up');
  await page.fill('input[name=name]', 'Sam');
  await page.fill('input[name=email]', 'sam@example.com');
  await page.click('button[type=submit]');
  await page.waitForURL('**/account.html');
  await page.click('#upgrade');
  await hidePage(page);
  await expect.poll(() => apiFactsOf(env.site.bundles).map((fact) => fact.payload.EventCustomName ?? fact.tag), { timeout: 15_000 }).toEqual([
    'Product Added',
    'identity',
    'userVars',
    'Signed Up',
    'identity',
    'userVars',
    'Plan Upgraded',
  ]);
  const facts = apiFactsOf(env.site.bundles);
  expect(facts[0].payload.properties).toEqual({ sku_str: 'rope-20', price_real: 18.5, cart_size_int: 1 });
  expect(facts[1].payload.UserAppKey).toBe('user-sam');
  expect(facts[2].payload).toEqual({ UserDisplayName: 'Sam', UserEmail: 'sam@example.com', vars: { plan_str: 'free' } });
  expect(new Set(facts.map((fact) => fact.userId)).size).toBe(1);
  expect(new Set(facts.map((fact) => fact.sessionId)).size).toBe(1);
  expect(new Set(facts.map((fact) => fact.pageId)).size).toBe(3);
  expect(everything()).not.toContain('supplier margin');
  expect(await page.textContent('#session-link')).toMatch(new RegExp(`^${env.site.url}/sessions/o-demo\\.`));
  await page.close();
});

test('examples/spa: the package imported by an app, routing, identify on login, custom events', async () => {
  env.site.bundles.length = 0;
  await serveExample('/spa/index.html');
  const bundled = await build({
    entryPoints: ['examples/spa/app.js'],
    bundle: true,
    write: false,
    format: 'esm',
    alias: { openstory: './src/index.ts' },
    logLevel: 'silent',
  });
  env.site.pages.set('/spa/app.bundle.js', bundled.outputFiles[0].text);
  env.site.pages.set('/spa/', env.site.pages.get('/spa/index.html') ?? '');
  const page = await env.browser.newPage();
  await page.goto(`${env.site.url}/spa/`);
  await page.click('a[href="/spa/login"]');
  await page.click('#login button');
  await page.waitForURL('**/spa/notes');
  await page.fill('input[name=note]', 'Buy fenders');
  await page.click('#add button');
  await page.click('a[href="/spa/login"]');
  await page.click('#logout');
  await hidePage(page);
  await expect.poll(() => apiFactsOf(env.site.bundles).map((fact) => fact.payload.EventCustomName ?? fact.tag), { timeout: 15_000 }).toEqual([
    'identity',
    'userVars',
    'Logged In',
    'Note Added',
    'identity',
  ]);
  const facts = apiFactsOf(env.site.bundles);
  expect(facts[0].payload.UserAppKey).toBe('acct-river');
  expect(facts[4].payload.UserAppKey).toBeNull();
  expect(facts[4].userId).not.toBe(facts[0].userId);
  // Client-side routes are navigations within one page.
  const navigations = factsOf(env.site.bundles).filter((fact) => fact.tag === 'navigate' && fact.pageId === facts[0].pageId);
  expect(navigations.map((fact) => new URL(String(fact.payload.PageUrl)).pathname)).toEqual(expect.arrayContaining(['/spa/', '/spa/login', '/spa/notes']));
  expect(everything()).not.toContain('4417-2290');
  await page.close();
});
