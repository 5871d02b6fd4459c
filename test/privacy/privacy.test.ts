import { beforeEach, describe, expect, test, vi } from 'vitest';
import { createPrivacy, EXCLUDED, MASKED, VISIBLE } from '../../src/privacy';

function dom(html: string): HTMLElement {
  document.body.innerHTML = html;
  return document.body;
}
const $ = (selector: string) => document.querySelector(selector) as Element;

beforeEach(() => {
  document.body.innerHTML = '';
});

describe('exclusion', () => {
  test('fs-exclude and exclude selectors cover the element and every descendant, text included', () => {
    dom('<div class="fs-exclude"><p id="a">x</p></div><section id="s"><span id="b">y</span></section><p id="c">z</p>');
    const privacy = createPrivacy({ exclude: ['#s'] });
    expect(privacy.isExcluded($('.fs-exclude'))).toBe(true);
    expect(privacy.isExcluded($('#a'))).toBe(true);
    expect(privacy.isExcluded($('#a').firstChild as Node)).toBe(true);
    expect(privacy.isExcluded($('#b'))).toBe(true);
    expect(privacy.isExcluded($('#c'))).toBe(false);
    expect(privacy.isExcluded($('#c').firstChild as Node)).toBe(false);
    expect(privacy.isExcluded(document)).toBe(false);
  });

  test('exclusion crosses open shadow roots upwards', () => {
    dom('<div id="host" class="fs-exclude"></div><div id="open"></div>');
    const inner = $('#host').attachShadow({ mode: 'open' });
    inner.innerHTML = '<p id="deep">secret</p>';
    const open = $('#open').attachShadow({ mode: 'open' });
    open.innerHTML = '<p id="fine">fine</p><div class="fs-exclude"><i>inner secret</i></div>';
    const privacy = createPrivacy({});
    expect(privacy.isExcluded(inner.getElementById('deep') as Element)).toBe(true);
    expect(privacy.isExcluded((inner.getElementById('deep') as Element).firstChild as Node)).toBe(true);
    expect(privacy.isExcluded(inner)).toBe(true);
    expect(privacy.isExcluded(open.getElementById('fine') as Element)).toBe(false);
    expect(privacy.isExcluded(open.querySelector('i') as Element)).toBe(true);
  });

  test('a class added later excludes from the next question on, once the cache is invalidated', () => {
    dom('<div id="d"><span id="s">t</span></div>');
    const privacy = createPrivacy({});
    expect(privacy.isExcluded($('#s'))).toBe(false);
    $('#d').classList.add('fs-exclude');
    privacy.invalidate();
    expect(privacy.isExcluded($('#s'))).toBe(true);
    $('#d').classList.remove('fs-exclude');
    privacy.invalidate();
    expect(privacy.isExcluded($('#s'))).toBe(false);
  });

  test('answers are cached per element until invalidated, and siblings reuse their parent', () => {
    dom('<div id="d"><span id="s">t</span><span id="t">u</span></div>');
    const privacy = createPrivacy({});
    const span = $('#s');
    const parent = $('#d');
    const spanMatches = vi.spyOn(span, 'matches');
    const parentMatches = vi.spyOn(parent, 'matches');
    privacy.isExcluded(span);
    privacy.isExcluded(span.firstChild as Node);
    privacy.isExcluded($('#t'));
    expect(spanMatches).toHaveBeenCalledTimes(1);
    expect(parentMatches).toHaveBeenCalledTimes(1);
    privacy.invalidate();
    privacy.isExcluded(span);
    expect(spanMatches).toHaveBeenCalledTimes(2);
  });

  test('an invalid selector is dropped with a warning instead of breaking every match', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    dom('<p id="p" class="fs-exclude">x</p><p id="q">y</p>');
    const privacy = createPrivacy({ exclude: ['[[nope', '#q'] });
    expect(privacy.isExcluded($('#p'))).toBe(true);
    expect(privacy.isExcluded($('#q'))).toBe(true);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/^\[openstory\] /);
    warn.mockRestore();
  });

  test('selectors that depend on ancestors are recognised', () => {
    expect(createPrivacy({}).excludeDependsOnContext).toBe(false);
    expect(createPrivacy({ exclude: ['.a'] }).excludeDependsOnContext).toBe(false);
    expect(createPrivacy({ exclude: ['.private p'] }).excludeDependsOnContext).toBe(true);
    expect(createPrivacy({ exclude: ['ul > li'] }).excludeDependsOnContext).toBe(true);
  });
});

describe('which attribute changes can change exclusion', () => {
  test('only attributes the exclude selectors read, and for class only the classes they name', () => {
    const privacy = createPrivacy({ exclude: ['[data-private]', '#card', 'iframe'] });
    expect(privacy.exclusionMayChange('title', 'x', false)).toBe(false);
    expect(privacy.exclusionMayChange('data-private', '', false)).toBe(true);
    expect(privacy.exclusionMayChange('id', 'card', false)).toBe(true);
    expect(privacy.exclusionMayChange('class', 'foo bar', false)).toBe(false);
    expect(privacy.exclusionMayChange('class', null, false)).toBe(false);
    // A substring is enough to look closer; case is ignored as quirks-mode documents ignore it.
    expect(privacy.exclusionMayChange('class', 'a FS-EXCLUDE-ish', false)).toBe(true);
    // Leaving an exclusion: any change of an attribute the selectors read.
    expect(privacy.exclusionMayChange('class', 'foo', true)).toBe(true);
    expect(privacy.exclusionMayChange('title', 'foo', true)).toBe(false);
  });

  test('selectors this scan cannot follow make every change a candidate', () => {
    expect(createPrivacy({ exclude: ['div:not(.public)'] }).exclusionMayChange('title', 'x', false)).toBe(true);
    expect(createPrivacy({ exclude: ['.a\\:b'] }).exclusionMayChange('title', 'x', false)).toBe(true);
    // class read by an attribute selector: any class value may match it.
    expect(createPrivacy({ exclude: ['[class~=secret]'] }).exclusionMayChange('class', 'secret', false)).toBe(true);
    expect(createPrivacy({ exclude: ['[CLASS^=sec]'] }).exclusionMayChange('class', 'x', false)).toBe(true);
  });

  test('the predicate never says false where matches() would flip', () => {
    dom('<div id="t"></div>');
    const element = $('#t');
    const lists = [[], ['.secret'], ['div.a.b'], ['[data-x]'], ['[data-x="1.5"]'], ['#pii'], ['.a', '[role=dialog]'], ['[class~=q]']];
    const changes: [string, string | null][] = [
      ['class', 'secret'], ['class', 'a b'], ['class', 'q'], ['class', 'fs-exclude'], ['class', null],
      ['data-x', '1.5'], ['data-x', null], ['id', 'pii'], ['role', 'dialog'], ['title', 'x'],
    ];
    for (const exclude of lists) {
      const privacy = createPrivacy({ exclude });
      for (const [name, value] of changes) {
        element.removeAttribute(name);
        const before = element.matches(privacy.excludeSelector);
        if (value !== null) element.setAttribute(name, value);
        const after = element.matches(privacy.excludeSelector);
        if (before !== after) expect([exclude, name, value, privacy.exclusionMayChange(name, value, before)]).toEqual([exclude, name, value, true]);
      }
    }
  });
});

describe('masking', () => {
  test('fs-mask and mask selectors mask text and values; the nearest of mask and unmask wins', () => {
    dom(`<div class="fs-mask"><p id="m">a</p><div class="fs-unmask"><p id="u">b</p><p id="m2" class="fs-mask">c</p></div></div>
         <p id="plain">d</p><span class="secret" id="sel">e</span>`);
    const privacy = createPrivacy({ mask: ['.secret'] });
    expect(privacy.isMasked($('#m'))).toBe(true);
    expect(privacy.isMasked($('#m').firstChild as Node)).toBe(true);
    expect(privacy.isMasked($('#u'))).toBe(false);
    expect(privacy.isMasked($('#m2'))).toBe(true);
    expect(privacy.isMasked($('#plain'))).toBe(false);
    expect(privacy.isMasked($('#sel'))).toBe(true);
  });

  test('privateByDefault masks everything that is not unmasked', () => {
    dom('<p id="a">a</p><div class="fs-unmask"><p id="b">b</p></div><p id="c" class="shown">c</p>');
    const privacy = createPrivacy({ privateByDefault: true, unmask: ['.shown'] });
    expect(privacy.isMasked($('#a'))).toBe(true);
    expect(privacy.isMasked($('#b'))).toBe(false);
    expect(privacy.isMasked($('#c'))).toBe(false);
    expect(privacy.isMasked(document)).toBe(true);
  });

  test('password and payment-card fields are masked whatever the options', () => {
    dom(`<div class="fs-unmask"><input id="pw" type="password"><input id="cc" autocomplete="cc-number">
         <input id="cc2" autocomplete="shipping cc-exp"><input id="plain"><select id="sel" autocomplete="cc-exp-month"><option id="o">01</option></select></div>`);
    const privacy = createPrivacy({ unmask: ['input'] });
    expect(privacy.isMasked($('#pw'))).toBe(true);
    expect(privacy.isMasked($('#cc'))).toBe(true);
    expect(privacy.isMasked($('#cc2'))).toBe(true);
    expect(privacy.isMasked($('#sel'))).toBe(true);
    expect(privacy.isMasked($('#o'))).toBe(true);
    expect(privacy.isMasked($('#o'))).toBe(true);
    expect(privacy.isMasked($('#plain'))).toBe(false);
    expect(privacy.classify($('#pw'), false)).toBe(MASKED);
    expect(privacy.classify($('#plain'), false)).toBe(VISIBLE);
  });

  test('excluded content counts as masked too', () => {
    dom('<div class="fs-exclude fs-unmask"><p id="p">x</p></div>');
    expect(createPrivacy({}).isMasked($('#p'))).toBe(true);
  });

  test('maskText keeps length and whitespace, replaces every other character', () => {
    const privacy = createPrivacy({});
    expect(privacy.maskText('ab cd\n\tef!')).toBe('** **\n\t***');
    expect(privacy.maskText('')).toBe('');
    expect(privacy.maskText('   ')).toBe('   ');
  });
});

describe('classify (top-down walks)', () => {
  test('an element decides for itself or inherits its parent masking', () => {
    dom('<div id="x" class="fs-exclude"></div><div id="m" class="fs-mask"></div><div id="u" class="fs-unmask"></div><div id="n"></div>');
    const privacy = createPrivacy({});
    expect(privacy.classify($('#x'), false)).toBe(EXCLUDED);
    expect(privacy.classify($('#m'), false)).toBe(MASKED);
    expect(privacy.classify($('#u'), true)).toBe(VISIBLE);
    expect(privacy.classify($('#n'), true)).toBe(MASKED);
    expect(privacy.classify($('#n'), false)).toBe(VISIBLE);
  });
});

describe("FullStory's classes and Form Privacy", () => {
  test('fs-block is exclude; form fields are masked by default, lifted by fs-unmask except password and card fields', () => {
    dom(`<div class="fs-block"><p id="blocked">x</p></div>
      <input id="text"><input id="email" type="email"><input id="button" type="button" value="Go"><textarea id="ta"></textarea>
      <select id="sel"></select><div id="edit" contenteditable><b id="inside">typed</b></div><div id="off" contenteditable="false">x</div>
      <div class="fs-unmask"><input id="open"><input id="pw" type="password"><input id="cc" autocomplete="cc-number"></div>`);
    const privacy = createPrivacy();
    expect(privacy.isExcluded($('#blocked'))).toBe(true);
    for (const id of ['text', 'email', 'ta', 'sel', 'edit', 'inside', 'pw', 'cc']) expect(privacy.isMasked($(`#${id}`)), id).toBe(true);
    for (const id of ['button', 'off', 'open']) expect(privacy.isMasked($(`#${id}`)), id).toBe(false);
    const off = createPrivacy({ formPrivacy: false });
    expect(off.isMasked($('#text'))).toBe(false);
    expect(off.isMasked($('#pw'))).toBe(true);
  });

  test('consent classes apply until consent, lift after it and apply again when it is revoked', () => {
    dom('<p id="ex" class="fs-exclude-without-consent">a</p><p id="m" class="fs-mask-without-consent">b</p><p id="u" class="fs-unmask-with-consent">c</p>');
    const privacy = createPrivacy();
    const state = () => [privacy.isExcluded($('#ex')), privacy.isMasked($('#m')), privacy.isMasked($('#u'))];
    expect(state()).toEqual([true, true, true]);
    expect(privacy.excludeSelector).toContain('fs-exclude-without-consent');
    privacy.setConsent(true);
    expect(state()).toEqual([false, false, false]);
    expect(privacy.excludeSelector).not.toContain('fs-exclude-without-consent');
    privacy.setConsent(false);
    expect(state()).toEqual([true, true, true]);
    // Under privateByDefault, consent turns fs-unmask-with-consent into an unmask.
    const strict = createPrivacy({ privateByDefault: true, consent: true });
    expect(strict.isMasked($('#u'))).toBe(false);
    expect(strict.isMasked($('#m'))).toBe(true);
  });

  test('a masked value is a fixed-length mask; an empty one stays empty', () => {
    const privacy = createPrivacy();
    expect(privacy.maskValue('hunter2')).toBe('********');
    expect(privacy.maskValue('a much longer passphrase')).toBe('********');
    expect(privacy.maskValue('')).toBe('');
  });
});

describe('URL privacy', () => {
  test('secret-looking parameters of the query and the fragment are redacted; others stay', () => {
    const { redactUrl } = createPrivacy();
    expect(redactUrl('https://a.test/p?token=abc&page=2&user_email=x%40y.z#access_token=t&tab=1')).toBe(
      'https://a.test/p?token=redacted&page=2&user_email=redacted#access_token=redacted&tab=1',
    );
    expect(redactUrl('https://a.test/reset?Code=1&SessionId=2&api_key=3&pwd=4')).toBe('https://a.test/reset?Code=redacted&SessionId=redacted&api_key=redacted&pwd=redacted');
    // In a stack the line and column after a redacted value go with it.
    expect(redactUrl('at f (https://a.test/app.js?sig=zz:1:2)\nat g (https://a.test/b.js:3:4)')).toBe('at f (https://a.test/app.js?sig=redacted)\nat g (https://a.test/b.js:3:4)');
  });

  test('the site adds names and patterns, and allow-lists names', () => {
    const { redactUrl } = createPrivacy({ urlPrivacy: { secretParams: ['ref'], allowParams: ['state'], patterns: ['(?<=/users/)\\d+'] } });
    expect(redactUrl('https://a.test/users/42/edit?ref=x&state=open&q=1')).toBe('https://a.test/users/redacted/edit?ref=redacted&state=open&q=1');
  });
});
