import { afterEach, describe, expect, test } from 'vitest';
import { IncrementalSource, MouseInteractions, PointerTypes } from '@rrweb/types';
import { observe, stopObservers } from './fake-context';

afterEach(stopObservers);

describe('mouse interactions', () => {
  test('a pointer press, release and click on a button carry its id, position and pointer type', () => {
    const { incremental, idOf } = observe('<button id="b">go</button>');
    const button = document.getElementById('b') as HTMLButtonElement;
    const at = { bubbles: true, clientX: 12, clientY: 34 };
    button.dispatchEvent(new PointerEvent('pointerdown', { ...at, pointerType: 'mouse' }));
    button.dispatchEvent(new PointerEvent('pointerup', { ...at, pointerType: 'mouse' }));
    button.dispatchEvent(new MouseEvent('click', at));
    const id = idOf(button);
    expect(incremental).toEqual([
      { source: IncrementalSource.MouseInteraction, type: MouseInteractions.MouseDown, id, x: 12, y: 34, pointerType: PointerTypes.Mouse },
      { source: IncrementalSource.MouseInteraction, type: MouseInteractions.MouseUp, id, x: 12, y: 34, pointerType: PointerTypes.Mouse },
      { source: IncrementalSource.MouseInteraction, type: MouseInteractions.Click, id, x: 12, y: 34, pointerType: PointerTypes.Mouse },
    ]);
  });

  test('a finger press and release are recorded as touch start and end', () => {
    const { incremental } = observe('<div id="d">x</div>');
    const div = document.getElementById('d') as HTMLElement;
    div.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, pointerType: 'touch' }));
    div.dispatchEvent(new PointerEvent('pointerup', { bubbles: true, pointerType: 'touch' }));
    expect(incremental.map((data) => 'type' in data && data.type)).toEqual([
      MouseInteractions.TouchStart,
      MouseInteractions.TouchEnd,
    ]);
  });

  test('double click, context menu, focus and blur are recorded; focus has no position', () => {
    const { incremental, idOf } = observe('<input id="i">');
    const input = document.getElementById('i') as HTMLInputElement;
    input.dispatchEvent(new MouseEvent('dblclick', { bubbles: true, clientX: 1, clientY: 2 }));
    input.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, clientX: 1, clientY: 2 }));
    input.focus();
    input.blur();
    expect(incremental.map((data) => 'type' in data && data.type)).toEqual([
      MouseInteractions.DblClick,
      MouseInteractions.ContextMenu,
      MouseInteractions.Focus,
      MouseInteractions.Blur,
    ]);
    expect(incremental[2]).toEqual({ source: IncrementalSource.MouseInteraction, type: MouseInteractions.Focus, id: idOf(input) });
  });

  test('a click inside excluded content is attributed to the excluded placeholder, a click on an unknown node is dropped', () => {
    const { incremental, idOf } = observe('<div class="fs-exclude" id="x"><span id="secret">secret</span></div>');
    document.getElementById('secret')?.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    const stray = document.createElement('p');
    document.body.append(stray);
    stray.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect(incremental).toHaveLength(1);
    expect(incremental[0]).toMatchObject({ type: MouseInteractions.Click, id: idOf(document.getElementById('x') as Node) });
  });

  test('a click inside an open shadow root is attributed to the inner element, not the host', () => {
    const { incremental, serialize, idOf } = observe('<div id="host"></div>');
    const root = (document.getElementById('host') as HTMLElement).attachShadow({ mode: 'open' });
    root.innerHTML = '<button>inner</button>';
    serialize();
    const inner = root.querySelector('button') as HTMLButtonElement;
    inner.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
    expect(incremental[0]).toMatchObject({ type: MouseInteractions.Click, id: idOf(inner) });
  });
});
