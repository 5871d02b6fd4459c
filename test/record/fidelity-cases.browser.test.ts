import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { liveDom, openScenario, probeLive, recordedEvents, replayed, startHarness, startRecording, step, type Harness } from './harness';
import { EventType, IncrementalSource } from '../../src/lib/rrweb';

/*
 * The kinds of page on which rrweb's own recording replayed better than ours (a replaced
 * MutationObserver, CSSOM declaration changes, legacy addRule/removeRule, modal dialogs, srcset
 * URLs with commas): each is recorded live, replayed with rrweb's Replayer, and the replay must
 * equal the live page, computed styles included where the case is about CSS.
 */

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness?.close();
});

/** The replay's DOM and `probe` (over `doc`) equal the live page's. */
async function expectReplayMatches(page: Page, probe = 'null'): Promise<void> {
  const events = await recordedEvents(page);
  const result = await replayed(harness, events, probe.replace(/getComputedStyle/g, 'doc.defaultView.getComputedStyle'));
  expect(result.dom).toEqual(await liveDom(page));
  expect(result.probe).toEqual(await probeLive(page, probe));
}

test('a page that replaced window.MutationObserver is recorded with an untouched one, and says so once', async () => {
  const page = await openScenario(harness, '/hijacked.html', '<ul id="list"><li>one</li></ul>');
  const warnings: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'warning') warnings.push(message.text());
  });
  // A framework's replacement that never delivers a record.
  await page.evaluate(`window.MutationObserver = class { observe() {} disconnect() {} takeRecords() { return []; } }`);
  await startRecording(page);
  await step(page, `
    const list = document.getElementById('list');
    list.appendChild(document.createElement('li')).textContent = 'two';
    list.firstElementChild.setAttribute('class', 'first');
  `);
  await expectReplayMatches(page);
  const events = await recordedEvents(page);
  const mutations = events.filter((event) => event.type === EventType.IncrementalSnapshot && event.data.source === IncrementalSource.Mutation);
  expect(mutations).toHaveLength(1);
  // The borrowed frame came and went before anything was observed.
  expect(JSON.stringify(events)).not.toContain('iframe');
  expect(await probeLive(page, `doc.querySelectorAll('iframe').length`)).toBe(0);
  expect(warnings.filter((text) => text.includes('MutationObserver'))).toHaveLength(1);
  await page.close();
});
