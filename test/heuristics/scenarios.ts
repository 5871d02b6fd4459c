import type { Page } from 'playwright-core';

/** The signals the suite scores; each scenario labels the ones it is evidence for. */
export type SignalName = 'dead' | 'rage' | 'error' | 'thrash' | 'abandon' | 'sqli' | 'xss';

export interface Scenario {
  name: string;
  /** Body of the scenario page (markup and its own script). */
  body: string;
  /** Query string the page is opened with (URL scenarios). */
  query?: string;
  /** What the user does. */
  act(page: Page): Promise<void>;
  /** Leave the page (full navigation) after acting, so facts are read from the pagehide beacon. */
  leave?: boolean;
  /** Text the user typed into a masked field: it must appear in no fact. */
  secret?: string;
  labels: Partial<Record<SignalName, boolean>>;
  /**
   * Signals this scenario is known to get wrong (documented limits in docs/heuristics.md). The
   * suite asserts the miss, so a fix or a regression shows up, and scores it as the error it is.
   */
  knownMiss?: SignalName[];
}

async function clickTimes(page: Page, selector: string, times: number, gapMs: number): Promise<void> {
  const box = (await page.locator(selector).boundingBox())!;
  for (let i = 0; i < times; i++) {
    if (i) await page.waitForTimeout(gapMs);
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  }
}

async function typeAndCommit(page: Page, selector: string, text: string): Promise<void> {
  await page.click(selector);
  await page.keyboard.type(text);
  await page.keyboard.press('Tab');
}

const FIELD = '<label>Search <input id="field" name="q"></label><button id="other">other</button>';

export const SCENARIOS: Scenario[] = [
  {
    name: 'button with no handler',
    body: '<main><h1>Shop</h1><button id="t">Add to cart</button></main>',
    act: (page) => page.click('#t'),
    labels: { dead: true, error: false, rage: false },
  },
  {
    name: 'button that updates the DOM after 300 ms',
    body: `<main><div class="card"><button id="t">Load more</button><p id="note"></p></div></main>
      <script>t.onclick = () => setTimeout(() => { note.textContent = 'Loaded 10 more'; }, 300);</script>`,
    act: (page) => page.click('#t'),
    labels: { dead: false, error: false },
  },
  {
    name: 'link that changes the SPA route',
    body: `<nav><a id="t" href="/account">Account</a></nav>
      <script>t.onclick = (e) => { e.preventDefault(); history.pushState({}, '', '/account'); };</script>`,
    act: (page) => page.click('#t'),
    labels: { dead: false, error: false },
  },
  {
    name: 'link that opens in a new tab',
    body: '<p>Read our <a id="t" href="/elsewhere" target="_blank">terms</a></p>',
    act: (page) => page.click('#t'),
    labels: { dead: false },
  },
  {
    name: 'button that opens a dialog appended to the body',
    body: `<main><section><div><button id="t">Help</button></div></section></main>
      <script>t.onclick = () => { const d = document.createElement('div'); d.textContent = 'How can we help?'; document.body.append(d); };</script>`,
    act: (page) => page.click('#t'),
    labels: { dead: false },
  },
  {
    name: 'checkbox toggled',
    body: '<label><input id="t" type="checkbox"> Subscribe</label>',
    act: (page) => page.click('#t'),
    labels: { dead: false, rage: false },
  },
  {
    name: 'button that updates a cart counter far away in the header',
    body: `<header><span id="count">0</span></header><main><section><article><div><p><button id="t">Add</button></p></div></article></section></main>
      <script>t.onclick = () => { count.textContent = String(Number(count.textContent) + 1); };</script>`,
    act: (page) => page.click('#t'),
    labels: { dead: false },
  },
  {
    name: 'button directly in the body that fills a status line beside it',
    body: `<button id="t">Add to cart</button><p id="note"></p>
      <script>t.onclick = () => { note.textContent = 'Added to cart'; };</script>`,
    act: (page) => page.click('#t'),
    labels: { dead: false },
  },
  {
    name: 'button with no handler next to a ticking clock',
    body: `<header><time id="clock">0</time></header><main><section><div><button id="t">Compare</button></div></section></main>
      <script>setInterval(() => { clock.textContent = String(Date.now()); }, 400);</script>`,
    act: async (page) => {
      await page.waitForTimeout(1000);
      await page.click('#t');
    },
    labels: { dead: true },
  },
  {
    name: 'handler that throws',
    body: `<button id="t">Pay now</button>
      <script>t.onclick = () => { throw new Error('payment widget failed'); };</script>`,
    act: (page) => page.click('#t'),
    labels: { error: true, dead: true },
  },
  {
    name: 'handler whose promise rejects',
    body: `<button id="t">Save</button>
      <script>t.onclick = () => { Promise.reject(new Error('save failed')); };</script>`,
    act: (page) => page.click('#t'),
    labels: { error: true },
  },
  {
    name: 'five clicks in under a second on one spot',
    body: '<button id="t" style="margin:40px;padding:20px">Checkout</button>',
    act: (page) => clickTimes(page, '#t', 5, 100),
    labels: { rage: true, dead: true },
  },
  {
    name: 'five quick clicks on a working +1 button',
    body: `<div><button id="t" style="margin:40px;padding:20px">+1</button><output id="qty">1</output></div>
      <script>t.onclick = () => { qty.textContent = String(Number(qty.textContent) + 1); };</script>`,
    act: (page) => clickTimes(page, '#t', 5, 100),
    labels: { rage: true, dead: false },
  },
  {
    name: 'quick clicks on three different toolbar buttons',
    body: `<div id="bar"><button id="b1" style="width:80px">Bold</button><button id="b2" style="width:80px;margin-left:60px">Italic</button><button id="b3" style="width:80px;margin-left:60px">Link</button></div>`,
    act: async (page) => {
      await page.click('#b1');
      await page.click('#b2');
      await page.click('#b3');
    },
    labels: { rage: false },
  },
  {
    name: 'three clicks two seconds apart',
    body: '<button id="t" style="margin:40px;padding:20px">Next</button>',
    act: (page) => clickTimes(page, '#t', 3, 2000),
    labels: { rage: false },
  },
  {
    name: 'a double-click',
    body: `<p id="t">Double-click to select a word</p>`,
    act: (page) => page.dblclick('#t'),
    labels: { rage: false },
  },
  {
    name: 'mouse scribbled back and forth',
    body: '<div id="area" style="width:800px;height:400px;background:#eee"></div>',
    act: async (page) => {
      await page.mouse.move(100, 200);
      for (let i = 0; i < 8; i++) {
        await page.mouse.move(i % 2 ? 100 : 500, 200 + (i % 3) * 10, { steps: 3 });
        await page.waitForTimeout(80);
      }
    },
    labels: { thrash: true },
  },
  {
    name: 'mouse circled three times quickly',
    body: '<div id="area" style="width:800px;height:400px;background:#eee"></div>',
    act: async (page) => {
      for (let step = 0; step <= 24; step++) {
        const angle = (step / 8) * 2 * Math.PI;
        await page.mouse.move(400 + 120 * Math.cos(angle), 200 + 120 * Math.sin(angle), { steps: 2 });
        await page.waitForTimeout(30);
      }
    },
    labels: { thrash: true },
  },
  {
    name: 'cursor following lines of text while reading quickly',
    body: '<div id="area" style="width:800px;height:400px;background:#eee"></div>',
    act: async (page) => {
      for (let line = 0; line < 4; line++) {
        for (let x = 100; x <= 600; x += 25) {
          await page.mouse.move(x, 100 + line * 30);
          await page.waitForTimeout(50);
        }
      }
    },
    labels: { thrash: false },
  },
  {
    name: 'straight sweep across the page',
    body: '<div id="area" style="width:800px;height:400px;background:#eee"></div>',
    act: async (page) => {
      await page.mouse.move(10, 200);
      for (let x = 10; x <= 790; x += 60) {
        await page.mouse.move(x, 200 + x / 20);
        await page.waitForTimeout(30);
      }
    },
    labels: { thrash: false },
  },
  {
    name: 'form filled and left',
    body: `<form id="signup" action="/done"><input id="name" name="name"><input id="mail" name="mail"><button>Sign up</button></form>`,
    act: async (page) => {
      await page.fill('#name', 'Ada');
      await page.click('#mail');
      await page.keyboard.type('ada@example.org');
    },
    leave: true,
    labels: { abandon: true },
  },
  {
    name: 'form filled, then an SPA link to another route',
    body: `<form id="profile"><input id="city" name="city"></form><a id="away" href="/home">Home</a>
      <script>away.onclick = (e) => { e.preventDefault(); history.pushState({}, '', '/home'); profile.remove(); };</script>`,
    act: async (page) => {
      await page.click('#city');
      await page.keyboard.type('Lyon');
      await page.click('#away');
    },
    labels: { abandon: true, dead: false },
  },
  {
    name: 'form looked at but never edited, page left',
    body: `<form id="signup"><input id="name" name="name"><button>Sign up</button></form>`,
    act: (page) => page.click('#name'),
    leave: true,
    labels: { abandon: false },
  },
  {
    name: 'form filled and submitted',
    body: `<form id="signup"><input id="name" name="name"><button id="send">Sign up</button></form><p id="thanks"></p>
      <script>signup.onsubmit = (e) => { e.preventDefault(); thanks.textContent = 'Thanks!'; };</script>`,
    act: async (page) => {
      await page.click('#name');
      await page.keyboard.type('Ada');
      await page.click('#send');
    },
    leave: true,
    labels: { abandon: false },
  },
  {
    name: "field: ' OR 1=1 --",
    body: FIELD,
    act: (page) => typeAndCommit(page, '#field', "' OR 1=1 --"),
    labels: { sqli: true, xss: false },
  },
  {
    name: 'field: <script>',
    body: FIELD,
    act: (page) => typeAndCommit(page, '#field', '<script>alert(1)</script>'),
    labels: { xss: true, sqli: false },
  },
  {
    name: 'masked field: <script>',
    body: '<input id="field" class="fs-mask">',
    act: (page) => typeAndCommit(page, '#field', '<script>alert(document.cookie)</script>'),
    secret: 'document.cookie',
    labels: { xss: true, sqli: false },
  },
  {
    name: "field: Robert'); DROP TABLE Students;--",
    body: FIELD,
    act: (page) => typeAndCommit(page, '#field', "Robert'); DROP TABLE Students;--"),
    labels: { sqli: true, xss: false },
  },
  {
    name: "field: an e-mail address with an apostrophe",
    body: FIELD,
    act: (page) => typeAndCommit(page, '#field', "o'neil-and-sons@example.org"),
    labels: { sqli: false, xss: false },
  },
  {
    name: 'field: ordinary text with quotes and angle brackets',
    body: FIELD,
    act: (page) => typeAndCommit(page, '#field', `O'Brien said "3 < 5" and I <3 it -- really`),
    labels: { sqli: false, xss: false },
  },
  {
    name: "URL: ' OR 1=1 --",
    body: '<p>results</p>',
    query: `?id=${encodeURIComponent("1' OR 1=1 --")}`,
    act: async () => undefined,
    labels: { sqli: true, xss: false },
  },
  {
    name: 'URL: <script>',
    body: '<p>results</p>',
    query: `?q=${encodeURIComponent('<script>alert(1)</script>')}`,
    act: async () => undefined,
    labels: { xss: true, sqli: false },
  },
  {
    name: 'SPA route to a <script> URL',
    body: `<button id="t">Search</button><script>t.onclick = () => history.pushState({}, '', '/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E');</script>`,
    act: (page) => page.click('#t'),
    labels: { xss: true, sqli: false, dead: false },
  },
  {
    name: 'URL: ordinary text with quotes and angle brackets',
    body: '<p>results</p>',
    query: `?q=${encodeURIComponent(`rock 'n' roll <3 "live"`)}`,
    act: async () => undefined,
    labels: { sqli: false, xss: false },
  },
];
