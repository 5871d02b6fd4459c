import { afterAll, beforeAll, expect, test } from 'vitest';
import { liveDom, openScenario, recordedEvents, replayedDom, startHarness, startRecording, step, type Harness } from './harness';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness?.close();
});

test('lists added and removed, text and attribute changes replay as the live DOM', async () => {
  const page = await openScenario(harness, '/lists.html', '<ul id="list"><li>one</li><li>two</li></ul><p id="p" class="a">hello</p>');
  await startRecording(page);
  await step(page, `
    const list = document.getElementById('list');
    for (let i = 0; i < 5; i++) { const li = document.createElement('li'); li.textContent = 'item ' + i; list.appendChild(li); }
    list.removeChild(list.firstElementChild);
    document.getElementById('p').firstChild.data = 'changed';
    document.getElementById('p').setAttribute('class', 'b');
    document.getElementById('p').setAttribute('data-x', '1');
  `);
  await step(page, `
    const list = document.getElementById('list');
    list.insertBefore(document.createElement('li'), list.children[2]).textContent = 'inserted';
    list.lastElementChild.remove();
    document.getElementById('p').removeAttribute('data-x');
  `);
  const live = await liveDom(page);
  const events = await recordedEvents(page);
  expect(JSON.stringify(live)).toContain('inserted');
  expect(await replayedDom(harness, events)).toEqual(live);
  // The comparison is sensitive: the snapshot alone replays the page as it was.
  expect(await replayedDom(harness, events.slice(0, 2))).not.toEqual(live);
  await page.close();
});
