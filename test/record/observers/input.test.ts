import { afterEach, describe, expect, test } from 'vitest';
import { IncrementalSource } from '@rrweb/types';
import { observe, stopObservers } from './fake-context';

afterEach(stopObservers);

// Captured before any observer patches the prototypes: what a keystroke does to a field's value
// without going through a script-visible setter.
const NATIVE_SETTERS = new Map(
  [HTMLInputElement, HTMLTextAreaElement, HTMLSelectElement].map((kind) => [
    kind.prototype,
    Object.getOwnPropertyDescriptor(kind.prototype, 'value')?.set,
  ]),
);

function type(field: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, value: string, eventType = 'input') {
  NATIVE_SETTERS.get(Object.getPrototypeOf(field))?.call(field, value);
  field.dispatchEvent(new Event(eventType, { bubbles: true, composed: eventType === 'input' }));
}

const inputs = (data: Array<{ source: number }>) => data.filter((entry) => entry.source === IncrementalSource.Input);

describe('input', () => {
  test('typing emits the field value once per change', () => {
    const { incremental, idOf } = observe('<input id="name"><textarea id="bio"></textarea>');
    const name = document.getElementById('name') as HTMLInputElement;
    type(name, 'Ada');
    name.dispatchEvent(new Event('change', { bubbles: true }));
    type(document.getElementById('bio') as HTMLTextAreaElement, 'hello');
    expect(incremental).toEqual([
      { source: IncrementalSource.Input, id: idOf(name), text: 'Ada', isChecked: false, userTriggered: false },
      {
        source: IncrementalSource.Input,
        id: idOf(document.getElementById('bio') as Node),
        text: 'hello',
        isChecked: false,
        userTriggered: false,
      },
    ]);
  });

  test('masked and password fields send masked text, excluded and hidden fields send nothing', () => {
    const { incremental } = observe(`
      <input id="pw" type="password">
      <div class="fs-mask"><input id="card"></div>
      <input id="hidden" type="hidden">
      <div class="fs-exclude"><input id="secret"></div>`);
    type(document.getElementById('pw') as HTMLInputElement, 'hunter2');
    type(document.getElementById('card') as HTMLInputElement, '4242 4242');
    (document.getElementById('hidden') as HTMLInputElement).value = 'token-SENTINEL';
    type(document.getElementById('secret') as HTMLInputElement, 'SENTINEL');
    // Fixed-length masks: neither length leaves.
    expect(incremental.map((data) => 'text' in data && data.text)).toEqual(['********', '********']);
    expect(JSON.stringify(incremental)).not.toContain('SENTINEL');
  });

  test('checking a radio also records the radio of its group that it unchecked', () => {
    const { incremental, idOf } = observe(`
      <input type="radio" name="size" id="s" value="s" checked>
      <input type="radio" name="size" id="m" value="m">
      <input type="radio" name="other" id="o" checked>`);
    const medium = document.getElementById('m') as HTMLInputElement;
    medium.click();
    expect(inputs(incremental)).toEqual([
      { source: IncrementalSource.Input, id: idOf(medium), text: 'm', isChecked: true, userTriggered: true },
      {
        source: IncrementalSource.Input,
        id: idOf(document.getElementById('s') as Node),
        text: 's',
        isChecked: false,
        userTriggered: false,
      },
    ]);
  });

  test('values set by scripts are recorded, and stop restores the setters', () => {
    const valueSetter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
    const { incremental, idOf, stop } = observe(
      '<input id="i"><input type="checkbox" id="c"><select id="s"><option>a</option><option>b</option></select>',
    );
    expect(Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set).not.toBe(valueSetter);
    (document.getElementById('i') as HTMLInputElement).value = 'by script';
    (document.getElementById('c') as HTMLInputElement).checked = true;
    (document.getElementById('s') as HTMLSelectElement).selectedIndex = 1;
    expect(incremental).toEqual([
      { source: IncrementalSource.Input, id: idOf(document.getElementById('i') as Node), text: 'by script', isChecked: false, userTriggered: false },
      { source: IncrementalSource.Input, id: idOf(document.getElementById('c') as Node), text: 'on', isChecked: true, userTriggered: false },
      { source: IncrementalSource.Input, id: idOf(document.getElementById('s') as Node), text: 'b', isChecked: false, userTriggered: false },
    ]);
    stop();
    expect(Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set).toBe(valueSetter);
    (document.getElementById('i') as HTMLInputElement).value = 'after stop';
    expect(incremental).toHaveLength(3);
  });

  test('a change event inside an open shadow root is seen', () => {
    const { incremental, serialize, idOf } = observe('<div id="host"></div>');
    const root = (document.getElementById('host') as HTMLElement).attachShadow({ mode: 'open' });
    root.innerHTML = '<select><option>a</option><option>b</option></select>';
    serialize();
    const select = root.querySelector('select') as HTMLSelectElement;
    type(select, 'b', 'change');
    expect(incremental).toEqual([
      { source: IncrementalSource.Input, id: idOf(select), text: 'b', isChecked: false, userTriggered: false },
    ]);
  });
});
