import { afterEach, describe, expect, test } from 'vitest';
import { EventType } from '@rrweb/types';
import { startObservers } from '../../../src/record/observers';
import { fakeContext } from './fake-context';

let stop: () => void = () => undefined;
afterEach(() => stop());

describe('SPA navigation', () => {
  test('pushState, replaceState and hash changes emit a Meta event with the new href; same URL emits nothing', () => {
    const fake = fakeContext();
    stop = startObservers(fake.ctx);
    history.pushState({}, '', '/products');
    history.replaceState({}, '', '/products');
    history.replaceState({}, '', '/products?page=2');
    location.hash = 'reviews';
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    const hrefs = fake.events.map((event) => event.type === EventType.Meta && event.data.href);
    expect(hrefs).toEqual([
      `${location.origin}/products`,
      `${location.origin}/products?page=2`,
      `${location.origin}/products?page=2#reviews`,
    ]);
    expect(fake.events[0]).toMatchObject({ type: EventType.Meta, data: { width: innerWidth, height: innerHeight } });
  });

  test('stop restores history.pushState and replaceState', () => {
    const { pushState, replaceState } = history;
    const fake = fakeContext();
    stop = startObservers(fake.ctx);
    expect(history.pushState).not.toBe(pushState);
    stop();
    expect(history.pushState).toBe(pushState);
    expect(history.replaceState).toBe(replaceState);
    expect(Object.prototype.hasOwnProperty.call(history, 'pushState')).toBe(false);
    history.pushState({}, '', '/after-stop');
    expect(fake.events).toEqual([]);
  });
});
