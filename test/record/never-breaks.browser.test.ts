import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { openScenario, rawEvents, useHarness, startRecording, step } from './harness';

/*
 * The recorder never breaks the page: an internal error (a throwing emit, a hostile DOM) is
 * caught and reported once to the console with the '[openstory]' prefix, and the page's own
 * errors still reach window.onerror exactly as they would without the recorder.
 */

const harness = useHarness();

function watchConsole(page: Page): { reports: string[]; uncaught: string[] } {
  const seen = { reports: [] as string[], uncaught: [] as string[] };
  page.on('console', (message) => {
    if (message.text().startsWith('[openstory]')) seen.reports.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => seen.uncaught.push(error.message));
  return seen;
}

const PAGE_ERRORS = `
  window.__pageErrors = [];
  window.onerror = (message) => { window.__pageErrors.push(String(message)); };
`;

test('a throwing emit is reported once; the page keeps working and its own errors are unchanged', async () => {
  const page = await openScenario(harness, '/throwing-emit.html', '<ul id="list"></ul><button id="b" onclick="this.textContent = \'clicked\'">click</button>');
  const seen = watchConsole(page);
  await page.evaluate(PAGE_ERRORS);
  await page.evaluate(`window.__stop = openstory.record({ emit() { throw new Error('emit exploded'); } })`);
  await step(page, `for (let i = 0; i < 3; i++) document.getElementById('list').appendChild(document.createElement('li')).textContent = 'item ' + i;`);
  await page.click('#b');
  await step(page, `setTimeout(() => { throw new Error('page error of its own'); }, 0); await new Promise((r) => setTimeout(r, 20));`);
  await page.evaluate('window.__stop()');

  expect(await page.textContent('#b')).toBe('clicked');
  expect(await page.evaluate('document.querySelectorAll("#list li").length')).toBe(3);
  expect(await page.evaluate('window.__pageErrors')).toEqual(['Uncaught Error: page error of its own']);
  expect(seen.uncaught).toEqual(['page error of its own']);
  expect(seen.reports).toHaveLength(1);
  expect(seen.reports[0]).toMatch(/^warning: \[openstory\] internal error in record/);
  await page.close();
});

test('a hostile DOM (getters that throw) is skipped node by node and reported once', async () => {
  const page = await openScenario(
    harness,
    '/hostile.html',
    '<p id="before">before</p><div id="evil">evil <b>child</b></div><p id="after">after</p><section id="later-parent"></section>',
  );
  const seen = watchConsole(page);
  await page.evaluate(PAGE_ERRORS);
  await page.evaluate(`
    const explode = { get() { throw new Error('hostile getter'); } };
    Object.defineProperty(document.getElementById('evil'), 'attributes', explode);
    Object.defineProperty(document.getElementById('evil'), 'localName', explode);
  `);
  await startRecording(page);
  await step(page, `
    const hostile = document.createElement('span');
    Object.defineProperty(hostile, 'attributes', { get() { throw new Error('hostile added node'); } });
    document.getElementById('later-parent').appendChild(hostile);
    document.getElementById('later-parent').appendChild(document.createElement('em')).textContent = 'fine sibling';
    document.getElementById('after').textContent = 'after changed';
  `);
  await page.evaluate('window.__stop()');

  const emitted = await rawEvents(page);
  expect(emitted).toContain('"before"');
  expect(emitted).toContain('after changed');
  expect(emitted).toContain('fine sibling');
  expect(emitted).not.toContain('evil');
  expect(await page.evaluate('window.__pageErrors')).toEqual([]);
  expect(seen.uncaught).toEqual([]);
  expect(seen.reports).toHaveLength(1);
  await page.close();
});

test('stop() disconnects everything: later changes emit nothing and patched methods are restored', async () => {
  const page = await openScenario(harness, '/stop.html', '<div id="host"></div>');
  const original = await page.evaluate('String(Element.prototype.attachShadow === window.__attach) + ":" + (window.__attach = Element.prototype.attachShadow, "saved")');
  expect(original).toBe('false:saved');
  await startRecording(page);
  expect(await page.evaluate('Element.prototype.attachShadow === window.__attach')).toBe(false);
  await page.evaluate('window.__stop()');
  const count = await page.evaluate('window.__events.length');
  await step(page, `document.body.appendChild(document.createElement('p')).textContent = 'after stop'; document.getElementById('host').attachShadow({ mode: 'open' });`);
  expect(await page.evaluate('window.__events.length')).toBe(count);
  expect(await page.evaluate('Element.prototype.attachShadow === window.__attach')).toBe(true);
  await page.close();
});
