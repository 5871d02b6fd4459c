import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from './chromium';
import { startTestServer, type TestServer } from './server';

let browser: Browser;
let server: TestServer;

beforeAll(async () => {
  [browser, server] = await Promise.all([launchChromium(), startTestServer()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

test('the harness drives Debian Chromium against a loopback page', async () => {
  server.pages.set('/', '<button id="b" onclick="this.textContent = \'clicked\'">click me</button>');
  const page = await browser.newPage();
  await page.goto(`${server.url}/`);
  await page.click('#b');
  expect(await page.textContent('#b')).toBe('clicked');
  await page.close();
});
