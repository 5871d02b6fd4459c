import type { Bundle } from 'openstory/vocabulary';
import { factAt, makeBundle, pageMetadata, T0 } from './fixtures';

export const DAY = 86_400_000;
/** The fixture's first day starts a day before T0, so both days are before the test collectors' clock (TEST_NOW). */
export const DAY1 = T0 - DAY;
/** The product page's elements: A is clicked, B rage-clicked, C dead-clicked, and one click hits no element of the snapshot. */
export const SELECTORS = { a: 'html body button#buy', b: 'html body button#rage', c: 'html body div#panel button#dead',
  // A client that skips the SDK can send any selector: this one tries to close the page's JSON block and its attributes.
  gone: 'html body div#gone"></script><script>window.__pwned=1</script>' };
/** A hostile text for the click on the missing element: shown as text, it runs nothing. */
export const HOSTILE_TEXT = '<img src=x onerror="window.__pwned=1">';
/** What the fixture holds on /product pages: A's clicks, B's clicks and bursts, C's dead clicks. */
export const COUNTS = { a: 4, b: 6, rageBursts: 2, c: 3, gone: 1, errorClicks: 1 };

/** A Meta and FullSnapshot of the product page: three buttons on a 2,000 px tall body (for scroll depth). */
export function productSnapshot(at: number, href: string) {
  const element = (id: number, tagName: string, attributes: Record<string, string>, childNodes: unknown[] = []) => ({ type: 2, id, tagName, attributes, childNodes });
  const text = (id: number, textContent: string) => ({ type: 3, id, textContent });
  const button = (id: number, elementId: string, label: string, style: string) => element(id, 'button', { id: elementId, style }, [text(id + 1, label)]);
  return [
    { type: 4, timestamp: at, data: { href, width: 1000, height: 700 } },
    { type: 2, timestamp: at + 1, data: { initialOffset: { top: 0, left: 0 }, node: { type: 0, id: 1, childNodes: [
      { type: 1, id: 2, name: 'html', publicId: '', systemId: '' },
      element(3, 'html', {}, [element(4, 'head', {}), element(5, 'body', { style: 'margin:0;height:2000px;font:20px sans-serif;background:#fff' }, [
        button(10, 'buy', 'Buy <now>', 'position:absolute;left:100px;top:100px;width:200px;height:60px'),
        element(17, 'script', {}, [text(18, 'window.parent.__pwned = 1')]),
        button(12, 'rage', 'Apply coupon', 'position:absolute;left:400px;top:100px;width:200px;height:60px'),
        element(14, 'div', { id: 'panel', style: 'position:absolute;left:100px;top:400px' }, [button(15, 'dead', 'Size guide', 'width:200px;height:60px')]),
      ])]),
    ] } } },
  ];
}

type Click = { selector: string; text: string; frustrated?: number; dead?: 0 | 1; error?: 0 | 1; x: number; y: number };
const click = (c: Click, at: number) => factAt('click', {
  EventStart: at, EventTargetText: c.text, EventTargetSelectorTok: c.selector,
  EventModFrustrated: c.frustrated ?? 0, EventModDead: c.dead ?? 0, EventModError: c.error ?? 0, x: c.x, y: c.y,
}, at);
const A = { selector: SELECTORS.a, text: 'Buy <now>', x: 200, y: 130 };
const B = { selector: SELECTORS.b, text: 'Apply coupon', x: 500, y: 130 };
const C: Click = { selector: SELECTORS.c, text: 'Size guide', dead: 1, x: 200, y: 430 };
const burst = (at: number) => [1, 2, 3].map((n) => click({ ...B, frustrated: n }, at + n * 200));

function pageView(userId: string, sessionId: string, pageId: string, url: string, start: number, clicks: unknown[], totals: { duration: number; scroll: number; errors: number }): Bundle[] {
  return [
    makeBundle({ userId, sessionId, pageId, page: pageMetadata({ url, startTime: start }), events: productSnapshot(start + 10, url) as never }),
    makeBundle({ userId, sessionId, pageId, seq: 1, events: [
      ...clicks,
      factAt('console', { PageNumInfos: 0, PageNumWarnings: 0, PageNumErrors: totals.errors }, start + 9000),
      factAt('duration', { PageDuration: totals.duration, PageActiveDuration: totals.duration, PageMaxScrollDepthPercent: totals.scroll }, start + 9500),
    ] as never }),
  ];
}

/**
 * Two days of an org: Ann's product page on day one, Ben's product page and cart on day two. On
 * the product pages: A clicked 4 times (one an error click), B in two rage bursts of 3, C dead 3
 * times, one click on an element the snapshot lacks; scroll depths 100 % and 50 %.
 */
export function insightsBundles(): Bundle[] {
  const day2 = DAY1 + DAY;
  return [
    ...pageView('u-ann', 's-1', 'p-a1', 'https://shop.example/product?id=1', DAY1, [
      click(A, DAY1 + 1000), click(A, DAY1 + 1500), ...burst(DAY1 + 2000), click(C, DAY1 + 3000), click(C, DAY1 + 3500),
      click({ selector: SELECTORS.gone, text: HOSTILE_TEXT, x: 800, y: 600 }, DAY1 + 4000),
    ], { duration: 60_000, scroll: 100, errors: 1 }),
    ...pageView('u-ben', 's-2', 'p-b1', 'https://shop.example/product?id=2', day2, [
      click(A, day2 + 1000), click({ ...A, error: 1 }, day2 + 1500), ...burst(day2 + 2000), click(C, day2 + 3000),
    ], { duration: 30_000, scroll: 50, errors: 0 }),
    ...pageView('u-ben', 's-2', 'p-b2', 'https://shop.example/cart', day2 + 100_000, [
      click({ selector: 'html body button#checkout', text: 'Checkout', x: 10, y: 10 }, day2 + 101_000),
    ], { duration: 20_000, scroll: 25, errors: 2 }),
  ];
}
