import { MouseInteractions, type eventWithTime } from '@rrweb/types';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { startHeuristics, type Heuristics, type Thresholds } from '../../src/heuristics';
import { createSignal, type Subscribe } from '../../src/lib/signal';
import { startPage } from '../../src/page';
import { attributeMutation, factsOf, input, interaction, meta, mouseMove, scroll, testMirror, testPrivacy } from './fixtures';

const T0 = 1_700_000_000_000;
let out: eventWithTime[];
let stage: Heuristics;
let mirror: ReturnType<typeof testMirror>;

function start(html: string, thresholds?: Partial<Thresholds>, pageErrors?: Subscribe) {
  document.body.innerHTML = html;
  mirror = testMirror();
  out = [];
  stage = startHeuristics({ next: (event) => out.push(event), mirror, privacy: testPrivacy, thresholds, pageErrors });
}

/** Feeds an event as the recorder would: at its timestamp. */
function at(ms: number, event: (time: number) => eventWithTime) {
  vi.setSystemTime(T0 + ms);
  stage.observe(event(T0 + ms));
}

function clickOn(selector: string, ms: number, x = 10, y = 10) {
  const id = mirror.id(document.querySelector(selector)!);
  at(ms, (time) => interaction(MouseInteractions.MouseDown, id, x, y, time));
  at(ms, (time) => interaction(MouseInteractions.Click, id, x, y, time));
}

beforeEach(() => vi.useFakeTimers({ now: T0 }));
afterEach(() => {
  stage.stop();
  vi.useRealTimers();
});

describe('the stage', () => {
  test('forwards every event unchanged and in order', () => {
    start('<p>hi</p>');
    const event = meta('https://a.example/', T0);
    stage.observe(event);
    expect(out[0]).toBe(event);
  });

  test('never throws into the page, even when the mirror does', () => {
    document.body.innerHTML = '<p>hi</p>';
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const broken = startHeuristics({
      next: () => undefined,
      mirror: { getId: () => 1, getNode: () => { throw new Error('boom'); } },
      privacy: testPrivacy,
    });
    expect(() => broken.observe(interaction(MouseInteractions.Click, 1, 0, 0, T0))).not.toThrow();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^\[openstory\] internal error in heuristics/), expect.objectContaining({ message: 'boom' }));
    broken.stop();
    warn.mockRestore();
    stage = broken;
  });
});

describe('click facts', () => {
  test('carry text, selector, page offset and are emitted when the window closes', () => {
    start('<main><button class="buy-now">Buy</button></main>');
    clickOn('button', 0, 40, 20);
    expect(factsOf(out, 'click')).toHaveLength(0);
    vi.advanceTimersByTime(2500);
    expect(factsOf(out, 'click')).toEqual([
      {
        EventStart: T0,
        EventTargetText: 'Buy',
        EventTargetSelectorTok: 'html body main button.buy%2Dnow',
        EventModFrustrated: 0,
        EventModDead: 1,
        EventModError: 0,
        x: 40,
        y: 20,
      },
    ]);
  });

  test('rage: five quick clicks on one spot carry the running count 1..5', () => {
    start('<button>Go</button>');
    for (let i = 0; i < 5; i++) clickOn('button', i * 180, 50 + i, 50);
    vi.advanceTimersByTime(5000);
    expect(factsOf(out, 'click').map((c) => c.EventModFrustrated)).toEqual([1, 2, 3, 4, 5]);
  });

  test('thresholds are options', () => {
    start('<button>Go</button>', { rageMinClicks: 4 });
    for (let i = 0; i < 3; i++) clickOn('button', i * 200);
    vi.advanceTimersByTime(5000);
    expect(factsOf(out, 'click').map((c) => c.EventModFrustrated)).toEqual([0, 0, 0]);
  });

  test('not rage: three clicks two seconds apart, two quick clicks, or clicks far apart', () => {
    start('<button id="a">A</button><button id="b">B</button>');
    clickOn('#a', 0);
    clickOn('#a', 2000);
    clickOn('#a', 4000);
    clickOn('#a', 8000);
    clickOn('#a', 8200);
    clickOn('#a', 12000, 0, 0);
    clickOn('#b', 12200, 200, 0);
    clickOn('#a', 12400, 0, 0);
    vi.advanceTimersByTime(20000);
    expect(factsOf(out, 'click').map((c) => c.EventModFrustrated)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  test('dead unless the DOM near the target, or a quiet node anywhere, changes within the window', () => {
    start('<div class="card"><button id="late">Late</button><span id="status"></span></div><div id="far"><i id="clock"></i></div><button id="none">None</button>');
    const clock = () => mirror.id(document.querySelector('#clock')!);
    clickOn('#late', 0);
    at(300, (time) => attributeMutation(mirror.id(document.querySelector('#status')!), time));
    vi.advanceTimersByTime(2500); // the first click's window closes
    // The far-away clock ticks every second: its change after the next click is background, not an answer.
    for (const tick of [3000, 4000]) at(tick, (time) => attributeMutation(clock(), time));
    clickOn('#none', 5000);
    at(5300, (time) => attributeMutation(clock(), time));
    vi.advanceTimersByTime(10000);
    expect(factsOf(out, 'click').map((c) => [c.EventTargetText, c.EventModDead])).toEqual([
      ['Late', 0],
      ['None', 1],
    ]);
  });

  test('a far-away node that had been quiet answers the click (a cart counter in the header)', () => {
    start('<header><span id="count">0</span></header><main><section><article><div><p><button id="add">Add</button></p></div></article></section></main>');
    clickOn('#add', 20000);
    at(20100, (time) => attributeMutation(mirror.id(document.querySelector('#count')!), time));
    vi.advanceTimersByTime(10000);
    expect(factsOf(out, 'click').map((c) => c.EventModDead)).toEqual([0]);
  });

  test('a far-away counter answering every click of a series is no background activity', () => {
    start('<header><span id="count">0</span></header><main><section><article><div><p><button id="add">Add</button></p></div></article></section></main>');
    const count = () => mirror.id(document.querySelector('#count')!);
    for (const click of [20000, 21000, 22000]) {
      clickOn('#add', click);
      at(click + 100, (time) => attributeMutation(count(), time));
    }
    vi.advanceTimersByTime(10000);
    expect(factsOf(out, 'click').map((c) => c.EventModDead)).toEqual([0, 0, 0]);
  });

  test('a response after the window closes does not save a click', () => {
    start('<button id="b">B</button><span id="s"></span>');
    clickOn('#b', 0);
    vi.advanceTimersByTime(2600);
    at(2600, (time) => attributeMutation(mirror.id(document.querySelector('#s')!), time));
    expect(factsOf(out, 'click')[0].EventModDead).toBe(1);
  });

  test('navigation, an immediate scroll, a new window, or focus moving elsewhere answer a click', () => {
    start('<a id="route">Route</a><a id="top">Top</a><a id="pop">Pop</a><label id="lab" for="f">Name</label><input id="f">');
    at(0, (time) => meta('https://a.example/', time));
    clickOn('#route', 100);
    at(150, (time) => meta('https://a.example/next', time));
    clickOn('#top', 5000);
    at(5050, (time) => scroll(1, time));
    clickOn('#pop', 10000);
    window.open('about:blank');
    clickOn('#lab', 15000);
    document.querySelector<HTMLInputElement>('#f')!.focus();
    vi.advanceTimersByTime(20000);
    expect(factsOf(out, 'click').map((c) => [c.EventTargetText, c.EventModDead])).toEqual([
      ['Route', 0],
      ['Top', 0],
      ['Pop', 0],
      ['Name', 0],
    ]);
  });

  test('a link whose handler takes over (preventDefault) or a fragment link is judged by the page', () => {
    start('<a id="spa" href="/spa">Spa</a><a id="hash" href="#top">Top</a>');
    document.querySelector('#spa')!.addEventListener('click', (event) => event.preventDefault());
    const press = (selector: string, ms: number) => {
      clickOn(selector, ms);
      document.querySelector<HTMLElement>(selector)!.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
    };
    press('#spa', 0);
    press('#hash', 5000);
    vi.advanceTimersByTime(10000);
    expect(factsOf(out, 'click').map((c) => [c.EventTargetText, c.EventModDead])).toEqual([
      ['Spa', 1],
      ['Top', 1],
    ]);
  });

  test('a native form submit answers the click that sent it', () => {
    start('<form id="f"><button id="send">Send</button></form>');
    document.querySelector('#f')!.addEventListener('submit', () => undefined);
    clickOn('#send', 0);
    // jsdom does not implement form submission; the submit event is what the browser dispatches.
    window.dispatchEvent(new Event('submit'));
    vi.advanceTimersByTime(5000);
    expect(factsOf(out, 'click')[0].EventModDead).toBe(0);
  });

  test('a late user scroll is not an answer; clicks into text fields are never dead', () => {
    start('<button id="b">B</button><input id="f">');
    clickOn('#b', 0);
    at(1500, (time) => scroll(1, time));
    clickOn('#f', 5000);
    vi.advanceTimersByTime(10000);
    expect(factsOf(out, 'click').map((c) => c.EventModDead)).toEqual([1, 0]);
  });

  test('error: an uncaught error, rejection or console.error inside the window, as page telemetry reports them', () => {
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const pageErrors = createSignal();
    const page = startPage({ emit: () => undefined, onError: pageErrors.notify });
    start('<button id="a">A</button><button id="b">B</button><button id="c">C</button><button id="d">D</button>', undefined, pageErrors.subscribe);
    clickOn('#a', 0);
    window.dispatchEvent(new ErrorEvent('error', { message: 'boom' }));
    clickOn('#b', 5000);
    window.dispatchEvent(new Event('unhandledrejection'));
    clickOn('#c', 10000);
    console.error('failed');
    clickOn('#d', 15000);
    vi.advanceTimersByTime(20000);
    expect(factsOf(out, 'click').map((c) => c.EventModError)).toEqual([1, 1, 1, 0]);
    page.stop();
    consoleError.mockRestore();
  });

  test('flush emits pending clicks without judging them dead', () => {
    start('<button>B</button>');
    clickOn('button', 0);
    stage.flush();
    expect(factsOf(out, 'click').map((c) => c.EventModDead)).toEqual([0]);
    vi.advanceTimersByTime(5000);
    expect(factsOf(out, 'click')).toHaveLength(1);
  });
});

describe('navigate facts', () => {
  test('the first Meta is the load, later URL changes are SPA navigations, re-snapshots are not', () => {
    start('');
    at(0, (time) => meta('https://a.example/', time));
    at(10, (time) => meta('https://a.example/', time));
    at(20, (time) => meta('https://a.example/search?q=%3Cscript%3Ealert(1)%3C/script%3E', time));
    at(30, (time) => meta("https://a.example/item?id=1'%20OR%201=1%20--", time));
    expect(factsOf(out, 'navigate').map((n) => [n.EventSubType, n.EventModSuspicious])).toEqual([
      ['load', 0],
      ['spa', 2],
      ['spa', 1],
    ]);
  });
});

describe('change facts', () => {
  function type(selector: string, value: string) {
    const field = document.querySelector<HTMLInputElement>(selector)!;
    field.value = value;
    field.dispatchEvent(new Event('change', { bubbles: true }));
  }

  test('carry the committed value and its suspicion', () => {
    start('<input id="q" class="search-box"><textarea id="t"></textarea>');
    type('#q', "' OR 1=1 --");
    type('#t', '<script>alert(1)</script>');
    type('#q', "Rock 'n' roll <3");
    expect(factsOf(out, 'change')).toEqual([
      expect.objectContaining({ EventTargetText: "' OR 1=1 --", EventTargetSelectorTok: 'html body input#q.search%2Dbox', EventModSuspicious: 1 }),
      expect.objectContaining({ EventModSuspicious: 2 }),
      expect.objectContaining({ EventTargetText: "Rock 'n' roll <3", EventModSuspicious: 0 }),
    ]);
  });

  test('of masked fields are flagged without their text; excluded fields give nothing', () => {
    start('<input id="m" class="fs-mask"><input id="p" type="password"><div class="fs-exclude"><input id="x"></div>');
    type('#m', '<script>x</script>');
    type('#p', "' or 1=1--");
    type('#x', 'secret');
    // A masked value is a fixed-length mask: its length does not leave either.
    expect(factsOf(out, 'change')).toEqual([
      expect.objectContaining({ EventTargetText: '********', EventModSuspicious: 2 }),
      expect.objectContaining({ EventTargetText: '********', EventModSuspicious: 1 }),
    ]);
  });
});

describe('abandon facts', () => {
  test('a form with edited fields left on flush or SPA navigation; a submitted form is not', () => {
    start('<form id="left"><input id="a"><input id="b"></form><form id="sent"><input id="c"></form>');
    at(0, (time) => meta('https://a.example/', time));
    at(100, (time) => input(mirror.id(document.querySelector('#a')!), 'x', time));
    at(200, (time) => input(mirror.id(document.querySelector('#b')!), 'y', time));
    at(300, (time) => input(mirror.id(document.querySelector('#c')!), 'z', time));
    document.querySelector('#sent')!.dispatchEvent(new Event('submit', { bubbles: true }));
    stage.flush();
    expect(factsOf(out, 'abandon')).toEqual([{ EventStart: T0 + 100, EventTargetSelectorTok: 'html body form#left', editedFields: 2 }]);
    at(400, (time) => input(mirror.id(document.querySelector('#c')!), 'z', time));
    at(500, (time) => meta('https://a.example/other', time));
    expect(factsOf(out, 'abandon').map((a) => a.EventTargetSelectorTok)).toEqual(['html body form#left', 'html body form#sent']);
  });
});

describe('thrash facts', () => {
  test('a scribbled cursor thrashes, a straight sweep or a single return does not', () => {
    start('<div id="area"></div>');
    const id = mirror.id(document.querySelector('#area')!);
    at(1000, (time) => mouseMove(id, [[0, 100], [200, 100], [400, 100], [600, 100], [800, 100]], time));
    at(3000, (time) => mouseMove(id, [[800, 100], [400, 100], [0, 100]], time));
    vi.advanceTimersByTime(3000);
    expect(factsOf(out, 'thrash')).toHaveLength(0);
    const scribble: Array<[number, number]> = [];
    for (let i = 0; i < 8; i++) scribble.push([i % 2 ? 300 : 100, 200 + (i % 3)]);
    at(10000, (time) => mouseMove(id, scribble, time, 80));
    expect(factsOf(out, 'thrash')).toHaveLength(0);
    vi.advanceTimersByTime(2000);
    expect(factsOf(out, 'thrash')).toEqual([{ EventStart: expect.any(Number), EventTargetSelectorTok: 'html body div#area', reversals: 6 }]);
  });

  test('reading lines of text (slow one way, quick jump back) is not thrash', () => {
    start('<div id="area"></div>');
    const id = mirror.id(document.querySelector('#area')!);
    const lines: Array<[number, number]> = [];
    for (let line = 0; line < 4; line++) for (let x = 100; x <= 600; x += 25) lines.push([x, 100 + line * 30]);
    at(9000, (time) => mouseMove(id, lines, time, 50));
    stage.flush();
    expect(factsOf(out, 'thrash')).toHaveLength(0);
  });

  test('small aiming wobbles are not reversals', () => {
    start('<div id="area"></div>');
    const id = mirror.id(document.querySelector('#area')!);
    const wobble: Array<[number, number]> = [];
    for (let i = 0; i < 20; i++) wobble.push([300 + (i % 2 ? 15 : -15), 300]);
    at(1000, (time) => mouseMove(id, wobble, time, 40));
    stage.flush();
    expect(factsOf(out, 'thrash')).toHaveLength(0);
  });
});

describe('stop', () => {
  test('restores window.open exactly, leaves console.error to page telemetry, and removes listeners', () => {
    const error = console.error;
    const open = window.open;
    start('<button>B</button>');
    expect(window.open).not.toBe(open);
    expect(console.error).toBe(error);
    stage.stop();
    expect(window.open).toBe(open);
    const field = document.createElement('input');
    document.body.append(field);
    field.dispatchEvent(new Event('change', { bubbles: true }));
    expect(factsOf(out, 'change')).toHaveLength(0);
  });
});
