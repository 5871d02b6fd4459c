import { describe, expect, test, vi } from 'vitest';
import { createSignal } from '../../src/lib/signal';
import { startPage } from '../../src/page';
import { attributeMutation, factsOf, meta, scroll } from './fixtures';
import { at, clickOn, mirror, out, stage, start, T0, useStage } from './stage';

useStage();

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
