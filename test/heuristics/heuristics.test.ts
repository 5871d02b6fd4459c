import { describe, expect, test, vi } from 'vitest';
import { startHeuristics } from '../../src/heuristics';
import { MouseInteractions } from '../../src/lib/rrweb';
import { factsOf, input, interaction, meta, mouseMove, testPrivacy } from './fixtures';
import { at, mirror, out, stage, start, T0, useStage } from './stage';

useStage();

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
