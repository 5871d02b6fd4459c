import { afterEach, expect, test } from 'vitest';
import { observe, stopObservers } from './fake-context';

afterEach(stopObservers);

test('an error inside the recorder is reported, and the page still gets its event', () => {
  const fake = observe('<button id="b">go</button>', {
    emitIncremental: () => {
      throw new Error('recorder bug');
    },
  });
  let pageSawClick = false;
  const button = document.getElementById('b') as HTMLButtonElement;
  button.addEventListener('click', () => (pageSawClick = true));
  expect(() => button.click()).not.toThrow();
  expect(pageSawClick).toBe(true);
  expect(fake.errors).toEqual([new Error('recorder bug')]);
});

test('stop removes every listener and restores every patched global; a second stop is harmless', () => {
  const globals = () => [
    history.pushState,
    history.replaceState,
    CSSStyleSheet.prototype.insertRule,
    CSSStyleSheet.prototype.deleteRule,
    Element.prototype.attachShadow,
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set,
    Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'selectedIndex')?.set,
  ];
  const before = globals();
  const fake = observe('<input id="i"><button id="b">go</button>');
  const { stop } = fake;
  expect(globals()).not.toEqual(before);
  stop();
  stop();
  expect(globals()).toEqual(before);
  (document.getElementById('b') as HTMLButtonElement).click();
  (document.getElementById('i') as HTMLInputElement).value = 'x';
  expect(fake.incremental).toEqual([]);
  expect(fake.errors).toEqual([]);
});

test('a patched function the page kept a reference to records nothing after stop', () => {
  const fake = observe('<input id="i">');
  const keptPushState = history.pushState;
  const keptValueSetter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set as (v: string) => void;
  fake.stop();
  keptPushState.call(history, {}, '', '/kept-reference');
  keptValueSetter.call(document.getElementById('i'), 'kept setter');
  expect((document.getElementById('i') as HTMLInputElement).value).toBe('kept setter');
  expect(location.pathname).toBe('/kept-reference');
  expect(fake.events).toEqual([]);
  expect(fake.incremental).toEqual([]);
});
