/**
 * The storefront the transport benchmark records (bench/transport.ts), and the scripted visitors
 * that use it: a shopper (hovering, scrolling, adding to the cart, typing searches that
 * re-render the grid, a modal, a form) and a browser (the same without the search).
 */
import type { Page } from 'playwright-core';

export const STORE_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; margin: 0; color: #222; }
  header { display: flex; gap: 16px; align-items: center; padding: 12px 24px; background: #f4f4f4; position: sticky; top: 0; }
  nav a { margin-right: 12px; color: #036; }
  .grid { display: grid; grid-template-columns: repeat(4, 1fr); gap: 16px; padding: 24px; }
  .card { border: 1px solid #ddd; border-radius: 6px; padding: 12px; }
  .card .img { height: 120px; background: linear-gradient(135deg, #cde, #fed); border-radius: 4px; }
  .toast { position: fixed; bottom: 16px; right: 16px; background: #333; color: #fff; padding: 8px 12px; }
  dialog { width: 420px; }
  form { padding: 24px; display: grid; gap: 8px; max-width: 420px; }
</style></head><body>
<header><strong>Shop</strong><nav><a href="#new">New</a><a href="#sale">Sale</a><a href="#about">About</a></nav>
  <input id="search" placeholder="Search products"><span>Cart: <b id="cart">0</b></span></header>
<main><div class="grid" id="grid"></div>
<form id="checkout"><h2>Checkout</h2><input name="name" placeholder="Full name"><input name="email" placeholder="Email">
  <input name="address" placeholder="Address"><textarea name="notes" placeholder="Notes"></textarea><button type="button">Pay</button></form></main>
<dialog id="details"><h3 id="details-title"></h3><p id="details-text"></p><button id="close">Close</button></dialog>
<script>
  const words = 'oak linen wool steel copper maple cotton glass amber slate ivory cedar'.split(' ');
  const kinds = 'chair lamp table shelf rug vase mirror clock bench desk'.split(' ');
  const products = Array.from({ length: 80 }, (_, i) => ({ id: i, name: words[i % 12] + ' ' + kinds[i % 10], price: (19 + (i * 37) % 300) + '.00' }));
  const grid = document.getElementById('grid');
  function render(filter) {
    grid.replaceChildren(...products.filter((p) => p.name.includes(filter)).map((p) => {
      const card = document.createElement('div');
      card.className = 'card';
      card.innerHTML = '<div class="img"></div><h4>' + p.name + '</h4><p>A ' + p.name + ' made to last. $' + p.price +
        '</p><button class="add" data-id="' + p.id + '">Add to cart</button> <button class="more" data-id="' + p.id + '">Details</button>';
      return card;
    }));
  }
  render('');
  document.getElementById('search').addEventListener('input', (e) => render(e.target.value));
  grid.addEventListener('click', (e) => {
    const id = e.target.dataset && e.target.dataset.id;
    if (e.target.classList.contains('add')) {
      const cart = document.getElementById('cart');
      cart.textContent = String(Number(cart.textContent) + 1);
      const toast = document.createElement('div');
      toast.className = 'toast';
      toast.textContent = 'Added ' + products[id].name;
      document.body.append(toast);
      setTimeout(() => toast.remove(), 1500);
    } else if (e.target.classList.contains('more')) {
      document.getElementById('details-title').textContent = products[id].name;
      document.getElementById('details-text').textContent = 'Ships in ' + (1 + id % 5) + ' days. $' + products[id].price;
      document.getElementById('details').showModal();
    }
  });
  document.getElementById('close').addEventListener('click', () => document.getElementById('details').close());
</script></body></html>`;

/** Hovers six product cards, scrolls down and adds one to the cart: how every round starts. */
async function lookAround(page: Page, round: number) {
  const cards = await page.$$('.card');
  for (let i = 0; i < 6 && cards.length > 0; i++) {
    const box = await cards[(round * 7 + i * 3) % cards.length].boundingBox();
    if (box) await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 8 });
  }
  await page.mouse.wheel(0, 600);
  await page.waitForTimeout(300);
  const add = await page.$$('button.add');
  if (add.length > 0) await add[round % add.length].click();
}

/** Opens a product's details and closes them. */
async function details(page: Page, index: number) {
  const more = await page.$$('button.more');
  if (more.length === 0) return;
  await more[index % more.length].click();
  await page.waitForTimeout(400);
  await page.click('#close');
}

/** One round of the scripted visitor; every step is something a shopper does. */
export async function shop(page: Page, round: number) {
  await lookAround(page, round);
  await page.mouse.wheel(0, -300);
  const query = ['oak', 'lamp', 'cedar desk', ''][round % 4];
  await page.fill('#search', '');
  await page.type('#search', query, { delay: 60 });
  await details(page, 0);
  await page.fill('#search', '');
  await page.type('#checkout [name=name]', 'Ada Lovelace'.slice(0, 4 + (round % 8)), { delay: 40 });
  await page.mouse.wheel(0, 900);
  await page.waitForTimeout(500);
  await page.mouse.wheel(0, -1200);
}

/**
 * One round of a visitor browsing a page of the multi-page site: a shopper's round without the
 * search box, whose every keystroke re-renders the whole grid (on a multi-page site a visitor
 * moves between pages instead). `--visits shop` makes the visits shop instead.
 */
export async function browse(page: Page, round: number) {
  await lookAround(page, round);
  await details(page, round);
  await page.type('#checkout [name=email]', 'ada@example.com'.slice(0, 4 + (round % 8)), { delay: 40 });
  await page.mouse.wheel(0, -600);
  await page.waitForTimeout(500);
}

