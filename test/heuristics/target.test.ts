import { describe, expect, test } from 'vitest';
import { browserHandlesClick, encodeSelectorPart, selectorToken, targetText } from '../../src/heuristics/target';
import { testPrivacy } from './fixtures';

function page(html: string): Document {
  document.body.innerHTML = html;
  return document;
}

describe('selector tokens', () => {
  test('encode every non-alphanumeric character as FullStory does', () => {
    expect(encodeSelectorPart('my-class')).toBe('my%2Dclass');
    expect(encodeSelectorPart('a_b:c')).toBe('a%5Fb%3Ac');
    expect(encodeSelectorPart('café')).toBe('caf%C3%A9');
  });

  test('are descendant selectors from html to the target with ids and classes', () => {
    const doc = page('<div id="app" class="shell main-view"><button class="btn btn-primary">Pay</button></div>');
    expect(selectorToken(doc.querySelector('button'), testPrivacy)).toBe(
      'html body div#app.shell.main%2Dview button.btn.btn%2Dprimary',
    );
  });

  test('stop at an excluded ancestor, which gives its tag name only', () => {
    const doc = page('<section id="s"><div class="fs-exclude secret" id="card"><span class="pan">4111</span></div></section>');
    expect(selectorToken(doc.querySelector('.pan'), testPrivacy)).toBe('html body section#s div');
  });
});

describe('target text', () => {
  test('is trimmed, whitespace-collapsed and capped', () => {
    const doc = page('<button>  Pay\n   <b>now</b>  </button><p>' + 'x'.repeat(400) + '</p>');
    expect(targetText(doc.querySelector('button'), testPrivacy, 250)).toBe('Pay now');
    expect(targetText(doc.querySelector('p'), testPrivacy, 250)).toHaveLength(250);
  });

  test('is empty for excluded or masked targets and skips masked descendants', () => {
    const doc = page('<button class="fs-mask">Jane</button><div class="fs-exclude"><a>x</a></div><a>Hi <span class="fs-mask">Jane</span></a>');
    expect(targetText(doc.querySelector('button'), testPrivacy, 250)).toBe('');
    expect(targetText(doc.querySelector('.fs-exclude a'), testPrivacy, 250)).toBe('');
    expect(targetText(doc.querySelector('body > a'), testPrivacy, 250)).toBe('Hi');
  });

  test('of a button-like input is its value, of a text field nothing', () => {
    const doc = page('<input type="submit" value="Send"><input value="typed secret">');
    const [submit, field] = Array.from(doc.querySelectorAll('input'));
    expect(targetText(submit, testPrivacy, 250)).toBe('Send');
    expect(targetText(field, testPrivacy, 250)).toBe('');
  });
});

test('the browser handles clicks on links to other documents, new tabs and downloads', () => {
  const doc = page(`<a id="a" href="/next"><span>Next</span></a><a id="b" href="#top">Top</a><a id="c" href="javascript:void 0">JS</a>
    <a id="d" href="#x" target="_blank">Tab</a><a id="e" href="/r.pdf" download>File</a><a id="f">No href</a>`);
  const handled = ['#a span', '#b', '#c', '#d', '#e', '#f'].map((selector) => browserHandlesClick(doc.querySelector(selector)));
  expect(handled).toEqual([true, false, false, true, true, false]);
});
