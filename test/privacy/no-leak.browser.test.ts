import { expect, test } from 'vitest';
import { openScenario, rawEvents, useHarness, startRecording, step } from '../record/harness';

/*
 * The privacy promise, checked on everything the recorder emits: sentinel strings planted in
 * excluded content (by class, by selector, under a selector that starts matching later), in their
 * attributes, in text and attributes changed later, in password, card and hidden fields, and
 * typed or clicked by a user must not appear anywhere in JSON.stringify of the events.
 */

const harness = useHarness();

const SENTINEL = 'SNTL';

const PAGE = `
  <p id="control">VISIBLE_CONTROL</p>
  <div id="by-class" class="fs-exclude ${SENTINEL}-class-token" data-secret="${SENTINEL}-attr" title="${SENTINEL}-title" style="width: 200px; height: 40px">
    ${SENTINEL}-class-text <b data-x="${SENTINEL}-child-attr">${SENTINEL}-child-text</b>
    <input id="excluded-input" value="${SENTINEL}-excluded-value">
    <a href="/${SENTINEL}-href">link</a><img alt="${SENTINEL}-alt" src="/${SENTINEL}.png">
  </div>
  <section id="secret-zone" aria-label="${SENTINEL}-aria"><p>${SENTINEL}-selector-text</p><textarea id="excluded-ta">${SENTINEL}-textarea</textarea></section>
  <div class="private-area-parent"><p class="note">note text</p></div>
  <div id="becomes-excluded"><span>plain</span></div>
  <div id="same-batch"><span>plain</span></div>
  <div id="shadow-host" class="fs-exclude"></div>
  <input id="pw" type="password" value="${SENTINEL}-pw-attr">
  <input id="card" autocomplete="cc-number" value="${SENTINEL}-card-attr">
  <input id="cvc" autocomplete="section-pay cc-csc">
  <input id="hidden" type="hidden" value="${SENTINEL}-hidden">
  <div class="fs-mask"><input id="masked" value="${SENTINEL}-masked-attr"><span>${SENTINEL}-masked-text</span></div>
  <iframe id="frame" class="fs-exclude" src="/no-leak-frame.html"></iframe>
`;

test('no sentinel of excluded, password, card or hidden content reaches any event', async () => {
  harness.server.pages.set('/no-leak-frame.html', `<!doctype html><p>${SENTINEL}-frame-text</p>`);
  const page = await openScenario(harness, '/no-leak.html', PAGE);
  await page.evaluate(`document.getElementById('shadow-host').attachShadow({ mode: 'open' }).innerHTML = '<p>${SENTINEL}-shadow-text</p>'`);
  await startRecording(page, `{ exclude: ['#secret-zone', '.private-area .note'] }`);

  // Later changes inside excluded content.
  await step(page, `
    const byClass = document.getElementById('by-class');
    byClass.appendChild(document.createElement('i')).textContent = '${SENTINEL}-later-text';
    byClass.querySelector('b').firstChild.data = '${SENTINEL}-changed-text';
    byClass.setAttribute('data-secret', '${SENTINEL}-later-attr');
    byClass.querySelector('b').setAttribute('data-x', '${SENTINEL}-later-child-attr');
    document.getElementById('secret-zone').insertAdjacentHTML('beforeend', '<div data-y="${SENTINEL}-later-html">${SENTINEL}-later-html-text</div>');
    document.getElementById('secret-zone').setAttribute('aria-label', '${SENTINEL}-later-aria');
    document.getElementById('shadow-host').shadowRoot.appendChild(document.createElement('p')).textContent = '${SENTINEL}-later-shadow';
    document.getElementById('hidden').value = '${SENTINEL}-hidden-later';
    document.getElementById('hidden').setAttribute('value', '${SENTINEL}-hidden-attr-later');
    document.getElementById('pw').setAttribute('value', '${SENTINEL}-pw-attr-later');
  `);
  // Elements that become excluded after recording started, then change.
  await step(page, `
    document.getElementById('becomes-excluded').classList.add('fs-exclude');
    document.querySelector('#same-batch span').setAttribute('title', '${SENTINEL}-same-batch-attr');
    document.querySelector('#same-batch span').textContent = '${SENTINEL}-same-batch-text';
    document.getElementById('same-batch').classList.add('fs-exclude');
    document.querySelector('.private-area-parent').classList.add('private-area');
  `);
  await step(page, `
    document.querySelector('#becomes-excluded span').textContent = '${SENTINEL}-after-exclusion';
    document.querySelector('#becomes-excluded').setAttribute('data-z', '${SENTINEL}-after-exclusion-attr');
    document.querySelector('.private-area .note').textContent = '${SENTINEL}-note-after-exclusion';
    const moved = document.createElement('em');
    moved.textContent = '${SENTINEL}-moved-in';
    document.body.appendChild(moved);
    document.getElementById('by-class').appendChild(moved);
  `);

  // A user typing into and clicking on excluded and always-masked fields.
  await page.click('#by-class b');
  await page.fill('#excluded-input', `${SENTINEL}-typed-excluded`);
  await page.fill('#excluded-ta', `${SENTINEL}-typed-textarea`);
  await page.fill('#pw', `${SENTINEL}-typed-pw`);
  await page.fill('#card', `${SENTINEL}-typed-card`);
  await page.fill('#cvc', `${SENTINEL}-typed-cvc`);
  await page.fill('#masked', `${SENTINEL}-typed-masked`);
  await page.click('#secret-zone p');
  await step(page, '');

  const emitted = await rawEvents(page);
  expect(emitted).toContain('VISIBLE_CONTROL');
  // The interactions were recorded (input and click events exist), just not their content.
  expect(emitted).toMatch(/"source":5/);
  expect(emitted).toMatch(/"source":2/);
  expect(emitted).not.toContain(SENTINEL);
  await page.close();
});

test('masked text keeps its length and whitespace, not its characters', async () => {
  const page = await openScenario(harness, '/mask-shape.html', '<p class="fs-mask">ab cd\tef</p><p id="later" class="fs-mask">x</p>');
  await startRecording(page, `{ privateByDefault: false }`);
  await step(page, `document.getElementById('later').firstChild.data = 'gh  ij';`);
  const emitted = await rawEvents(page);
  expect(emitted).toContain('"** **\\t**"');
  expect(emitted).toContain('"**  **"');
  expect(emitted).not.toMatch(/ab cd|gh {2}ij/);
  await page.close();
});

test('privateByDefault masks everything but unmasked content', async () => {
  const page = await openScenario(harness, '/private.html', `<p>${SENTINEL}-default</p><input id="i" value="${SENTINEL}-input"><div class="fs-unmask"><p>shown text</p></div><p class="open">also shown</p>`);
  await startRecording(page, `{ privateByDefault: true, unmask: ['.open'] }`);
  await page.fill('#i', `${SENTINEL}-typed`);
  await step(page, `document.body.appendChild(document.createElement('p')).textContent = '${SENTINEL}-added';`);
  const emitted = await rawEvents(page);
  expect(emitted).toContain('shown text');
  expect(emitted).toContain('also shown');
  expect(emitted).not.toContain(SENTINEL);
  await page.close();
});
