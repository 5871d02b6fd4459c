import { expect, test } from 'vitest';
import { patchSetter } from '../../src/lib/patch-setter';

function field() {
  class Field {
    stored = '';
    get value() { return this.stored; }
    set value(next: string) { this.stored = next; }
  }
  return Field;
}

test('after learns of each set, once the value is in place; stop restores the accessor', () => {
  const Field = field();
  const own = Object.getOwnPropertyDescriptor(Field.prototype, 'value');
  const seen: string[] = [];
  const stop = patchSetter(Field.prototype, 'value', () => undefined, (target: { value: string }) => seen.push(target.value));
  const instance = new Field();
  instance.value = 'a';
  expect(seen).toEqual(['a']);
  stop();
  expect(Object.getOwnPropertyDescriptor(Field.prototype, 'value')).toEqual(own);
});

test('a setter another script installed on top of ours survives stop; ours, kept by the page, passes through', () => {
  const Field = field();
  const seen: string[] = [];
  const stop = patchSetter(Field.prototype, 'value', () => undefined, (target: { value: string }) => seen.push(target.value));
  const ours = Object.getOwnPropertyDescriptor(Field.prototype, 'value') as PropertyDescriptor;
  const theirs = { ...ours, set(this: unknown, next: string) { (ours.set as (v: string) => void).call(this, `${next}!`); } };
  Object.defineProperty(Field.prototype, 'value', theirs);
  stop();
  expect(Object.getOwnPropertyDescriptor(Field.prototype, 'value')?.set).toBe(theirs.set);
  const instance = new Field();
  instance.value = 'b';
  expect(instance.value).toBe('b!');
  expect(seen).toEqual([]);
});

test('an error of after is reported, never thrown to the page', () => {
  const Field = field();
  const reported: unknown[] = [];
  const stop = patchSetter(Field.prototype, 'value', (error) => reported.push(error), () => { throw new Error('hook bug'); });
  const instance = new Field();
  expect(() => (instance.value = 'c')).not.toThrow();
  expect(instance.value).toBe('c');
  expect(reported).toEqual([new Error('hook bug')]);
  stop();
});
