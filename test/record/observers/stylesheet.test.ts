import { afterEach, describe, expect, test } from 'vitest';
import { IncrementalSource } from '@rrweb/types';
import { observe, stopObservers } from './fake-context';

afterEach(stopObservers);

function setup(css: string, styleClass = '') {
  document.head.innerHTML = `<style class="${styleClass}">${css}</style>`;
  const fake = observe('');
  const style = document.querySelector('style') as HTMLStyleElement;
  const sheet = style.sheet as CSSStyleSheet;
  // jsdom's sheet.ownerNode is its internal element object, not the element itself.
  fake.alias(sheet.ownerNode as Node, style);
  return { ...fake, style, sheet };
}

describe('CSSOM rule changes', () => {
  test('insertRule and deleteRule on a <style> sheet are addressed by the element id, at the index the rule got', () => {
    const { incremental, idOf, style, sheet } = setup('a { color: red; }');
    sheet.insertRule('b { color: blue; }', 1);
    sheet.insertRule('i { color: green; }');
    sheet.deleteRule(0);
    const id = idOf(style);
    expect(incremental).toEqual([
      { source: IncrementalSource.StyleSheetRule, id, adds: [{ rule: 'b { color: blue; }', index: 1 }] },
      { source: IncrementalSource.StyleSheetRule, id, adds: [{ rule: 'i { color: green; }', index: 0 }] },
      { source: IncrementalSource.StyleSheetRule, id, removes: [{ index: 0 }] },
    ]);
  });

  test('a rule inserted inside @media is addressed by an index path', () => {
    const { incremental, sheet } = setup('a { color: red; } @media print { p { color: black; } }');
    const media = sheet.cssRules[1] as CSSMediaRule;
    media.insertRule('q { color: gray; }', 1);
    media.deleteRule(0);
    expect(incremental).toMatchObject([{ adds: [{ rule: 'q { color: gray; }', index: [1, 1] }] }, { removes: [{ index: [1, 0] }] }]);
  });

  test('rules inserted into a <style> before its mutation is recorded are emitted after it, in order', async () => {
    const { incremental, serialize, alias, idOf } = setup('');
    const style = document.createElement('style');
    document.head.append(style);
    const sheet = style.sheet as CSSStyleSheet;
    sheet.insertRule('.a { color: red; }');
    sheet.insertRule('.b { color: blue; }', 1);
    expect(incremental).toEqual([]);
    serialize(); // what the recorder's mutation observer does before the next task
    alias(sheet.ownerNode as Node, style);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(incremental).toEqual([
      { source: IncrementalSource.StyleSheetRule, id: idOf(style), adds: [{ rule: '.a { color: red; }', index: 0 }] },
      { source: IncrementalSource.StyleSheetRule, id: idOf(style), adds: [{ rule: '.b { color: blue; }', index: 1 }] },
    ]);
  });

  test('a failing insertRule throws to the page as before and records nothing', () => {
    const { incremental, errors, sheet } = setup('');
    expect(() => sheet.insertRule('not css {', 5)).toThrow();
    expect(incremental).toEqual([]);
    expect(errors).toEqual([]);
  });

  test('rules of an excluded <style> are not recorded', () => {
    const { incremental, errors, sheet } = setup('', 'fs-exclude');
    sheet.insertRule('.secret { color: red; }');
    expect(incremental).toEqual([]);
    expect(errors).toEqual([]);
  });

  test('stop restores CSSStyleSheet.prototype.insertRule', () => {
    const original = CSSStyleSheet.prototype.insertRule;
    const { incremental, sheet, stop } = setup('');
    expect(CSSStyleSheet.prototype.insertRule).not.toBe(original);
    stop();
    expect(CSSStyleSheet.prototype.insertRule).toBe(original);
    sheet.insertRule('a { color: red; }');
    expect(incremental).toEqual([]);
  });
});
