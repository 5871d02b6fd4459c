import { expect, test } from 'vitest';
import { patchMethod } from '../../src/lib/patch';

const noReport = () => undefined;

test('hooks learn of each call; the call, its receiver and its result are unchanged', () => {
  const target = { base: 10, add(this: { base: number }, a: number) { return this.base + a; } };
  const seen: unknown[] = [];
  const stop = patchMethod(target, 'add', noReport, { before: (_t, args) => seen.push(['before', ...args]), after: (_t, args, result) => seen.push(['after', ...args, result]) });
  expect(target.add(1)).toBe(11);
  expect(seen).toEqual([['before', 1], ['after', 1, 11]]);
  stop();
});

test('stop puts the original back (an inherited method becomes inherited again)', () => {
  const proto = { greet: () => 'hi' };
  const target = Object.create(proto) as typeof proto;
  const stop = patchMethod(target, 'greet', noReport, { before: () => undefined });
  expect(Object.prototype.hasOwnProperty.call(target, 'greet')).toBe(true);
  stop();
  expect(Object.prototype.hasOwnProperty.call(target, 'greet')).toBe(false);
  expect(target.greet).toBe(proto.greet);
});

test('a wrapper another script put on top of ours survives stop, and ours becomes a pass-through', () => {
  const target = { greet: (name: string) => `hi ${name}` };
  const seen: unknown[] = [];
  const stop = patchMethod(target, 'greet', noReport, { before: (_t, args) => seen.push(args[0]) });
  const ours = target.greet;
  const theirs = (name: string) => ours(name).toUpperCase();
  target.greet = theirs;
  stop();
  expect(target.greet).toBe(theirs);
  expect(target.greet('a')).toBe('HI A');
  expect(seen).toEqual([]);
});

test('a hook error goes to report, never to the caller; an error of the original reaches the caller', () => {
  const reported: unknown[] = [];
  const target = { add: (a: number, b: number) => a + b, fail: () => { throw new Error('page bug'); } };
  const stopAdd = patchMethod(target, 'add', (error) => reported.push(error), { after: () => { throw new Error('hook bug'); } });
  const stopFail = patchMethod(target, 'fail', (error) => reported.push(error), { before: () => undefined });
  expect(target.add(1, 2)).toBe(3);
  expect(() => target.fail()).toThrow('page bug');
  expect(reported).toEqual([new Error('hook bug')]);
  stopAdd();
  stopFail();
});

test('a property that is not a function, or cannot be replaced, is left alone', () => {
  const target = { value: 1 } as unknown as { value: () => void };
  patchMethod(target, 'value', noReport, {})();
  expect(target.value).toBe(1);
  const frozen = Object.freeze({ run: () => 'ran' });
  const stop = patchMethod(frozen, 'run', noReport, { before: () => undefined });
  expect(frozen.run()).toBe('ran');
  stop();
});
