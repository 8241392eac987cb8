// End-to-end tests of the storefront in a real browser against the real shop:
// `node e2e/run.mjs` (scripts/storefront.sh e2e). Scenarios follow a shopper,
// a customer whose card is declined, and an admin; every page is
// screenshotted at desktop and phone width and checked with axe-core, the
// first load's JavaScript is held to a size budget, and load timings are
// recorded in target/storefront-e2e/timings.json.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN, startShop } from './shop.mjs';
import { execFileSync } from 'node:child_process';
import { accessibility, launch, newPage, shoot, shotsDir, updateDoc, updateDocs, writeReport } from './browser.mjs';

/** First page load budget for JavaScript, compressed, in bytes. */
const JS_BUDGET = 200 * 1024;

/** @type {Awaited<ReturnType<typeof startShop>>} */
let shop;
/** @type {import('playwright-core').Browser} */
let browser;
const run = Date.now().toString(36);
const PASSWORD = 'a long enough passphrase';

/** @param {string} name */
const emailFor = (name) => `${name}-${run}@example.com`;

/**
 * Waits until `locator`'s text matches.
 * @param {import('playwright-core').Locator} locator
 * @param {RegExp} pattern
 */
async function waitForText(locator, pattern, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  let text = '';
  while (Date.now() < deadline) {
    text = (await locator.textContent().catch(() => '')) ?? '';
    if (pattern.test(text)) return text;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`expected ${pattern} in ${JSON.stringify(text)}`);
}

/**
 * Waits until a checkbox is checked. A filter's checkbox follows the URL, and
 * the router renders the new URL in a transition: the box reads unchecked
 * until that render commits, which can be after the URL has changed.
 * @param {import('playwright-core').Locator} locator
 */
async function waitForChecked(locator, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (await locator.isChecked().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail('expected the checkbox to be checked');
}

/** @param {import('playwright-core').Page} page */
const cartCount = (page) => page.getByTestId('cart-count');

/**
 * Opens the first in-stock product of a search and adds its first available variant.
 * @param {import('playwright-core').Page} page
 * @param {string} query
 */
async function addSomething(page, query) {
  await page.goto(`/products?q=${encodeURIComponent(query)}&in_stock=true`);
  await page.locator('.product-card-link').first().click();
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.getByText('Added to your cart').waitFor();
}

/** @param {import('playwright-core').Page} page */
async function fillAddress(page, name = 'Ann Smith') {
  await page.getByLabel('Full name').fill(name);
  await page.getByLabel('Street and number').fill('Hauptstr. 1');
  await page.getByLabel('Postal code').fill('10115');
  await page.getByLabel('City', { exact: true }).fill('Berlin');
  await page.getByLabel('Country').selectOption('DE');
}

/**
 * @param {import('playwright-core').Page} page
 * @param {string} email
 */
async function register(page, email, name = 'Test Shopper') {
  await page.goto('/account/register');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Password again').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Your account' }).waitFor();
}

/**
 * @param {import('playwright-core').Page} page
 * @param {string} email
 * @param {string} password
 */
async function signIn(page, email, password) {
  await page.goto('/account/signin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Your account' }).waitFor();
}

/** Orders placed by the scenarios, for the admin's. */
const placed = { orderId: 0 };

before(async () => {
  const started = Date.now();
  shop = await startShop();
  browser = await launch();
  console.log(`# shop at ${shop.url} (started with demo data in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
});

after(async () => {
  await browser?.close();
  await shop?.stop();
});

describe('storefront', () => {
  it('loads the home page within the JavaScript budget and records load timings', async () => {
    const { context, page, errors } = await newPage(browser, shop.url);
    await page.goto('/');
    await page.getByRole('heading', { name: 'Featured' }).waitFor();
    await page.locator('.product-grid').first().waitFor();
    const timings = await page.evaluate(() => {
      const paint = performance.getEntriesByName('first-contentful-paint')[0];
      const js = performance
        .getEntriesByType('resource')
        .filter((r) => /** @type {PerformanceResourceTiming} */ (r).initiatorType === 'script' || r.name.endsWith('.js'))
        .map((r) => /** @type {PerformanceResourceTiming} */ (r));
      return {
        firstContentfulPaintMs: paint ? Math.round(paint.startTime) : null,
        scripts: js.map((r) => ({ name: r.name.replace(location.origin, ''), encodedBytes: r.encodedBodySize, decodedBytes: r.decodedBodySize })),
      };
    });
    const jsBytes = timings.scripts.reduce((n, s) => n + s.encodedBytes, 0);
    assert.ok(timings.scripts.length > 0, 'the page loaded its script');
    assert.ok(jsBytes < JS_BUDGET, `first load transferred ${jsBytes} bytes of JavaScript (budget ${JS_BUDGET})`);
    await shoot(page, 'home');

    const listingStart = Date.now();
    await page.goto('/products');
    await page.locator('.product-card').first().waitFor();
    const listingReadyMs = Date.now() - listingStart;
    const listingPaint = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null);
    await writeReport('timings.json', {
      measuredAt: new Date().toISOString(),
      home: { firstContentfulPaintMs: timings.firstContentfulPaintMs, javascriptBytesCompressed: jsBytes, scripts: timings.scripts },
      listing: { readyMs: listingReadyMs, firstContentfulPaintMs: listingPaint === null ? null : Math.round(listingPaint) },
    });
    console.log(
      `# first load: ${jsBytes} bytes of JavaScript (compressed), first contentful paint ${timings.firstContentfulPaintMs} ms; listing ready in ${listingReadyMs} ms`,
    );
    if (updateDocs) {
      const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
      const day = new Date().toISOString().slice(0, 10);
      const decoded = timings.scripts.reduce((n, s) => n + s.decodedBytes, 0);
      await updateDoc(
        'docs/performance.md',
        'storefront-load',
        [
          `Run ${day} on commit \`${commit}\` (2 cores; headless Chromium and the shop on the same machine, debug host build):`,
          '',
          '| Measure | Value |',
          '|---|---|',
          `| JavaScript on the first load (home page), compressed | ${(jsBytes / 1024).toFixed(1)} KB in ${timings.scripts.length} file(s), ${(decoded / 1024).toFixed(0)} KB uncompressed (budget 200 KB) |`,
          `| First contentful paint, home page, cold browser | ${timings.firstContentfulPaintMs} ms |`,
          `| Listing ready: from navigation to the first product card | ${listingReadyMs} ms |`,
          `| First contentful paint, listing | ${listingPaint === null ? 'n/a' : Math.round(listingPaint)} ms |`,
        ].join('\n'),
      );
    }
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('lets a shopper search, filter, pick a variant, register at checkout, pay and see the order', async () => {
    const { context, page, errors } = await newPage(browser, shop.url);
    await page.goto('/');
    await page.getByRole('searchbox', { name: 'Search products' }).fill('hoodie');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/\/products\?q=hoodie$/);
    const all = Number((await waitForText(page.locator('#results-count'), /\d+ products?/)).match(/\d+/)?.[0]);
    assert.ok(all > 1, `the search finds hoodies (${all})`);

    // Filters are links in disguise: the URL changes, then the page follows it.
    await page.getByRole('checkbox', { name: 'In stock only' }).click();
    await page.waitForURL(/in_stock=true/);
    const size = page.locator('fieldset', { has: page.locator('legend', { hasText: 'Size' }) });
    const m = size.getByRole('checkbox', { name: /^M \(\d+\)$/ });
    const facetCount = Number((await m.locator('..').textContent())?.match(/\((\d+)\)/)?.[1]);
    await m.click();
    await page.waitForURL(/option\.size=M/);
    await waitForChecked(m);
    await waitForText(page.locator('#results-count'), new RegExp(`^${facetCount} products?`));
    await shoot(page, 'listing');

    // The URL carries the filters: going back drops the last one.
    await page.goBack();
    await page.waitForURL((u) => !u.search.includes('option.size'));
    await page.goForward();
    await page.waitForURL(/option\.size=M/);

    await page.locator('.product-card-link').first().click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    const other = page.locator('.swatch-available input:not(:checked)').first();
    const picked = await other.getAttribute('value');
    await other.check({ force: true });
    assert.equal(await page.locator(`.swatch input[value="${picked}"]`).isChecked(), true);
    await waitForText(page.getByTestId('stock'), /In stock|Only \d+ left/);
    await shoot(page, 'product');
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByText('Added to your cart').waitFor();
    await waitForText(cartCount(page), /^1$/);

    await page.getByRole('link', { name: /^Cart, 1 item/ }).click();
    await page.getByRole('heading', { name: 'Your cart' }).waitFor();
    assert.match((await page.getByTestId('cart-line').textContent()) ?? '', new RegExp(`size: ${picked}`));
    await page.getByLabel('Quantity').fill('2');
    await page.getByLabel('Quantity').press('Enter');
    await waitForText(cartCount(page), /^2$/);
    await waitForText(page.locator('.totals'), /Subtotal \(2 items\)/);
    await shoot(page, 'cart');
    await page.getByRole('link', { name: 'Check out' }).click();

    await page.getByRole('heading', { name: '1. Your account' }).waitFor();
    await shoot(page, 'checkout-account');
    await page.getByLabel('Name').fill('Ann Smith');
    await page.getByLabel('Email').fill(emailFor('ann'));
    await page.getByLabel('Password').fill('short');
    await page.getByLabel('Password').blur();
    await page.getByText('Use at least 10 characters.').waitFor();
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account and continue' }).click();

    await page.getByRole('heading', { name: '1. Delivery address' }).waitFor();
    await waitForText(cartCount(page), /^2$/);
    await fillAddress(page);
    await page.getByRole('radio', { name: /Visa 4242/ }).check();
    await shoot(page, 'checkout');
    await page.getByRole('button', { name: /^Pay / }).click();

    await page.getByRole('heading', { name: 'Thank you! Your order is confirmed.' }).waitFor({ timeout: 30_000 });
    const orderId = Number(/\/account\/orders\/(\d+)/.exec(page.url())?.[1]);
    assert.ok(orderId > 0);
    placed.orderId = orderId;
    await waitForText(page.locator('.timeline'), /Paid/);
    await waitForText(cartCount(page), /^0$/);
    await shoot(page, 'order-confirmation');

    // A reload restores the session from the refresh cookie. The reload waits
    // for the page's own refresh to finish: a reload that cut it off would send
    // a refresh token the shop has already rotated, and the users component
    // (no grace period for reuse) would end the session.
    await page.goto('/account');
    const row = page.getByTestId('order-row').filter({ hasText: `#${orderId}` });
    await waitForText(row, /Paid/);
    await page.reload();
    await waitForText(row, /Paid/);
    assert.equal(await page.getByTestId('order-row').count(), 1);
    await shoot(page, 'profile');
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('shows a declined card clearly, keeps the cart and pays nothing', async () => {
    const { context, page, errors } = await newPage(browser, shop.url);
    await register(page, emailFor('ben'), 'Ben Declined');
    await addSomething(page, 'tee');
    await page.goto('/checkout');
    await page.getByRole('heading', { name: '1. Delivery address' }).waitFor();
    await fillAddress(page, 'Ben Declined');
    await page.getByRole('radio', { name: /9995/ }).check();
    await page.getByRole('button', { name: /^Pay / }).click();
    const failure = page.getByTestId('payment-failure');
    await waitForText(failure, /Your payment was declined: Your card has insufficient funds\..*cart is as it was/, 30_000);
    await shoot(page, 'checkout-declined');
    assert.equal(await cartCount(page).textContent(), '1');
    await page.goto('/cart');
    await page.getByTestId('cart-line').waitFor();
    assert.equal(await page.getByTestId('cart-line').count(), 1);
    await page.goto('/account');
    await waitForText(page.getByTestId('order-row'), /Payment failed/);
    assert.equal(await page.getByTestId('order-row').count(), 1);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('places one order on a double click, and one after a lost answer and a reload', async () => {
    const { context, page, errors } = await newPage(browser, shop.url);
    await register(page, emailFor('cleo'), 'Cleo Twice');
    await addSomething(page, 'kettle');
    await page.goto('/checkout');
    await page.getByRole('heading', { name: '1. Delivery address' }).waitFor();
    await fillAddress(page, 'Cleo Twice');
    await page.getByRole('button', { name: /^Pay / }).dblclick();
    await page.getByRole('heading', { name: 'Thank you! Your order is confirmed.' }).waitFor({ timeout: 30_000 });

    // Second order: the server places it but the answer is lost on the way back.
    await addSomething(page, 'kettle');
    await page.goto('/checkout');
    await page.getByRole('radio', { name: /Cleo Twice/ }).check();
    let lost = 0;
    await page.route('**/api/orders/checkout', async (route) => {
      if (lost++ === 0) {
        await route.fetch();
        await route.abort('connectionreset');
      } else await route.continue();
    });
    await page.getByRole('button', { name: /^Pay / }).click();
    await page.getByRole('heading', { name: 'We could not confirm your order yet' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Thank you! Your order is confirmed.' }).waitFor({ timeout: 30_000 });
    assert.equal(lost, 2, 'the reload asked again with the same key');
    await page.goto('/account');
    await waitForText(page.getByTestId('order-row').first(), /Paid/);
    assert.equal(await page.getByTestId('order-row').count(), 2);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('resets a forgotten password with the emailed link', async () => {
    const { context, page, errors } = await newPage(browser, shop.url);
    const email = emailFor('dora');
    await register(page, email, 'Dora Forgetful');
    await page.getByRole('button', { name: 'Dora Forgetful' }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.goto('/account/signin');
    await shoot(page, 'sign-in');
    await page.goto('/account/register');
    await shoot(page, 'register');
    await page.goto('/account/reset');
    await page.getByLabel('Email').fill(email);
    await shoot(page, 'password-reset');
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByText(/a reset link is on its way/).waitFor();

    const admin = await newPage(browser, shop.url);
    await signIn(admin.page, ADMIN.email, ADMIN.password);
    await admin.page.goto('/admin/outbox');
    const message = admin.page.locator('.outbox li', { hasText: email }).first();
    const link = /\/account\/reset\?token=\S+/.exec((await message.textContent()) ?? '')?.[0];
    assert.ok(link, 'the outbox has the reset link');
    await admin.context.close();

    await page.goto(link);
    await page.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
    await page.getByLabel('New password again').fill('a brand new passphrase');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByText('Your password is changed').waitFor();
    await signIn(page, email, 'a brand new passphrase');
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('keeps a shopper signed in in several tabs opened at once', async () => {
    const { context, page, errors } = await newPage(browser, shop.url);
    await register(page, emailFor('finn'), 'Finn Tabs');
    const tabs = await Promise.all([context.newPage(), context.newPage(), context.newPage()]);
    await Promise.all(tabs.map((t) => t.goto('/account')));
    for (const t of tabs) await t.getByRole('heading', { name: 'Your account' }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Finn Tabs' }).waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('turns away a customer who types the admin URL, and sends a guest to sign in', async () => {
    const { context, page, errors } = await newPage(browser, shop.url);
    await page.goto('/admin/products');
    await page.waitForURL(/\/account\/signin$/);
    await register(page, emailFor('eve'), 'Eve Curious');
    assert.equal(await page.getByRole('link', { name: 'Admin' }).count(), 0);
    await page.goto('/admin/products/new');
    await page.getByRole('heading', { name: 'Not allowed' }).waitFor();
    assert.equal(await page.getByRole('navigation', { name: 'Admin' }).count(), 0);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('is usable from the keyboard and says so when a page or product does not exist', async () => {
    const { context, page, errors } = await newPage(browser, shop.url);
    await page.goto('/products/no-such-product');
    await page.getByRole('heading', { name: 'Product not found' }).waitFor();
    await page.goto('/no/such/page');
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();

    // The first Tab stop skips to the content; links and the search follow in reading order.
    await page.goto('/');
    await page.getByRole('heading', { name: 'Featured' }).waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Edgecart');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('type')), 'search');
    await page.keyboard.type('tent');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/products\?q=tent$/);
    // After a client-side navigation, focus is on the new page's heading.
    await waitForText(page.locator(':focus'), /Results for “tent”/);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('lets an admin create a product with an image that then appears in the listing', async () => {
    const { context, page, errors } = await newPage(browser, shop.url);
    await signIn(page, ADMIN.email, ADMIN.password);
    await page
      .getByRole('button', { name: /Admin|Account/ })
      .first()
      .click();
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('heading', { name: 'Products' }).waitFor();
    await page.locator('table tbody tr').first().waitFor();
    await shoot(page, 'admin-products');
    await page.getByRole('link', { name: 'New product' }).click();
    const title = `Edge Test Lamp ${run}`;
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Description').fill('A lamp made by the end-to-end test.');
    await page.getByLabel('Category').selectOption({ label: '— Decor' });
    await page.getByLabel('Tags').fill('new, gift');
    // The image: a PNG made on the spot (a piece of this very page), uploaded.
    const png = await page.screenshot({ clip: { x: 0, y: 0, width: 480, height: 360 } });
    await page.getByLabel('Upload an image').setInputFiles({ name: 'lamp.png', mimeType: 'image/png', buffer: png });
    await waitForText(page.locator('.images-editor'), /Image 1 address/);
    const uploaded = await page.getByLabel('Image 1 address').inputValue();
    assert.match(uploaded, /^\/media\/images\/[0-9a-f]{32}\/medium\.(jpg|png)$/);
    await page.getByLabel('Image 1 description').fill('A green lamp on a white table');
    await page.getByLabel('SKU').fill(`LAMP-${run}`);
    await page.getByLabel('Price (EUR)').fill('34.50');
    await page.getByLabel('Stock').fill('7');
    await page.getByLabel('Options').fill('color=Green');
    await shoot(page, 'admin-product-new');
    await page.getByRole('button', { name: 'Create product' }).dblclick();
    await page.getByRole('heading', { name: title }).waitFor();
    await page.getByRole('heading', { name: 'Variants' }).waitFor();
    await shoot(page, 'admin-product-edit');
    // A second variant, added and removed again; the only variant has no Remove.
    const variants = page.getByRole('region', { name: 'Variants' });
    assert.equal(await variants.getByRole('button', { name: 'Remove' }).count(), 0, 'the only variant cannot be removed');
    const adding = variants.getByRole('form', { name: 'New variant' });
    await adding.getByLabel('SKU').fill(`LAMP-${run}-B`);
    await adding.getByLabel(/Price/).fill('39.00');
    await adding.getByLabel('Stock').fill('2');
    await adding.getByLabel('Options').fill('color=Blue');
    await adding.getByRole('button', { name: 'Add variant' }).click();
    const second = variants.getByRole('form', { name: `Variant LAMP-${run}-B` });
    await second.waitFor();
    await second.getByRole('button', { name: 'Remove' }).click();
    await second.getByRole('button', { name: 'Yes, remove' }).click();
    await second.waitFor({ state: 'detached' });
    assert.equal(await variants.getByRole('button', { name: 'Remove' }).count(), 0, 'one variant left');

    await page.goto(`/products?q=${encodeURIComponent(title)}`);
    const card = page.locator('.product-card', { hasText: title });
    await card.waitFor();
    assert.equal(await page.locator('.product-card').count(), 1, 'created once despite the double click');
    assert.equal(await card.locator('img').getAttribute('src'), uploaded);
    await card.locator('img').scrollIntoViewIfNeeded();
    await page.waitForFunction((src) => [...document.images].some((i) => i.getAttribute('src') === src && i.complete && i.naturalWidth === 480), uploaded);
    assert.match((await card.textContent()) ?? '', /€34\.50/);
    await card.locator('a').click();
    await page.getByRole('img', { name: 'A green lamp on a white table' }).waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('lets an admin ship an order with a tracking number and refund part of it, which the customer then sees', async () => {
    assert.ok(placed.orderId > 0, 'the shopper scenario placed an order');
    const { context, page, errors } = await newPage(browser, shop.url);
    await signIn(page, ADMIN.email, ADMIN.password);
    await page.goto('/admin/orders?status=paid');
    await page.getByTestId('admin-order-row').first().waitFor();
    await shoot(page, 'admin-orders');
    await page.getByRole('link', { name: `#${placed.orderId}` }).click();
    await page.getByRole('heading', { name: `Order #${placed.orderId}` }).waitFor();
    await page.getByRole('button', { name: 'Mark as shipped' }).click();
    await page.getByText('A tracking number is required.').waitFor();
    await page.getByLabel('Tracking number').fill('DHL-00340434161094042557');
    await page.getByRole('button', { name: 'Mark as shipped' }).click();
    await waitForText(page.getByTestId('tracking-number'), /DHL-00340434161094042557/);
    await waitForText(page.locator('.timeline'), /Shipped/);

    // A partial refund, paid back by the sandbox gateway; a double click refunds once.
    await page.getByLabel('Refund amount (EUR)').fill('5');
    await page.getByLabel('Reason (optional)').fill('scratched on arrival');
    await page.getByRole('button', { name: 'Refund', exact: true }).dblclick();
    await waitForText(page.getByTestId('refund'), /€5\.00 — paid back \(scratched on arrival\)/, 30_000);
    assert.equal(await page.getByTestId('refund').count(), 1);
    await waitForText(page.getByTestId('amount-refunded'), /€5\.00/);
    await shoot(page, 'admin-order');
    assert.deepEqual(errors, []);
    await context.close();

    const customer = await newPage(browser, shop.url);
    await signIn(customer.page, emailFor('ann'), PASSWORD);
    await customer.page.goto(`/account/orders/${placed.orderId}`);
    await waitForText(customer.page.getByTestId('tracking-number'), /DHL-00340434161094042557/);
    await waitForText(customer.page.locator('.progress [aria-current="step"]'), /Shipped/);
    await waitForText(customer.page.getByTestId('amount-refunded'), /€5\.00/);
    await shoot(customer.page, 'order');
    await customer.context.close();
  });

  it('has no serious accessibility violations on any page', async () => {
    await writeReport('accessibility.json', Object.fromEntries(accessibility));
    console.log(`# ${accessibility.size} page views checked with axe-core; screenshots in ${shotsDir}`);
    const failures = [...accessibility].filter(([, v]) => v.length).map(([page, v]) => `${page}:\n  ${v.join('\n  ')}`);
    assert.ok(accessibility.size >= 30, `every page was checked (${accessibility.size})`);
    assert.deepEqual(failures, []);
  });
});
