import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, test } from 'vitest';
import { bundleForBrowser } from '../helpers/bundle';
import { openScenario, recordedEvents, replayed, useHarness, startRecording, step } from './harness';

/*
 * Pages that emulate shadow DOM with a polyfill: @webcomponents/shadydom (forced, as on browsers
 * without shadow DOM) and LWC's @lwc/synthetic-shadow (the root LWC's engine asks for). Their
 * shadow roots are not Nodes a MutationObserver takes, and their tree accessors show scripts the
 * logical tree. Recorded live and replayed with rrweb's Replayer: no internal error, and the
 * replay's flat tree (shadow roots entered, slots filled) reads as the live page's.
 */

const harness = useHarness();
beforeAll(async () => {
  const modules = fileURLToPath(new URL('../../node_modules/', import.meta.url));
  harness.server.pages.set('/shadydom.js', await readFile(`${modules}@webcomponents/shadydom/shadydom.min.js`, 'utf8'));
  harness.server.pages.set('/synthetic-shadow.js', await bundleForBrowser('node_modules/@lwc/synthetic-shadow/dist/index.js', '__syntheticShadow'));
});

/** A component with shadow content and a slot, built before recording. */
const BUILD = `(() => {
  const host = document.getElementById('host');
  const root = host.attachShadow(window.SHADOW_OPTIONS);
  root.innerHTML = '<p class="inner">shadow text</p><slot></slot>';
  host.appendChild(document.createElement('span')).textContent = 'slotted';
})()`;

const CHANGE = `
  document.getElementById('host').shadowRoot.querySelector('.inner').textContent = 'changed shadow';
  document.getElementById('after').textContent = 'after, changed';
`;

/** The text of the flat tree, as a person sees it: shadow roots entered, slots filled. */
const FLAT_TEXT = `(() => {
  const out = [];
  const walk = (node) => {
    if (node.nodeType === 3) return void out.push(node.data.trim());
    if (node.nodeType !== 1 || node.localName === 'script') return;
    if (node.localName === 'slot') {
      const assigned = node.assignedNodes();
      return (assigned.length ? assigned : Array.from(node.childNodes)).forEach(walk);
    }
    Array.from((node.shadowRoot ?? node).childNodes).forEach(walk);
  };
  walk(doc.body);
  return out.filter(Boolean).join(' ');
})()`;

for (const [name, head] of [
  ['shadydom', `<script>window.ShadyDOM = { force: true }; window.SHADOW_OPTIONS = { mode: 'open' };</script><script src="/shadydom.js"></script>`],
  ['synthetic-shadow', `<script>window.SHADOW_OPTIONS = { mode: 'open', '$$lwc-synthetic-mode': true };</script><script src="/synthetic-shadow.js"></script>`],
] as const) {
  test(`a page using the ${name} polyfill records without internal errors and replays whole`, async () => {
    const page = await openScenario(harness, `/${name}.html`, '<p>before</p><div id="host"></div><p id="after">after</p>', head);
    const warnings: string[] = [];
    page.on('console', (message) => warnings.push(message.text()));
    await page.evaluate(BUILD);
    await startRecording(page);
    await step(page, CHANGE);
    const live = await page.evaluate(`((doc) => ${FLAT_TEXT})(document)`);
    expect(live).toBe('before changed shadow slotted after, changed');
    const result = await replayed(harness, await recordedEvents(page), FLAT_TEXT);
    expect(result.probe).toBe(live);
    expect(warnings.filter((text) => text.includes('internal error'))).toEqual([]);
    await page.close();
  });
}
