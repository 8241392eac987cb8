// Debian's Chromium driven by playwright-core, plus what the scenarios share:
// screenshots at desktop and phone width, an axe-core accessibility check,
// and the load measurements.
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repo, target } from './shop.mjs';

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** With UPDATE_DOCS=1 the run refreshes docs/screenshots and the storefront figures in docs/performance.md. */
export const updateDocs = process.env.UPDATE_DOCS === '1';
export const shotsDir = updateDocs ? join(repo, 'docs/screenshots') : join(target, 'storefront-e2e/screenshots');
export const outDir = join(target, 'storefront-e2e');

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/**
 * A fresh browser context (its own cookies and storage) and page on the shop.
 * @param {import('playwright-core').Browser} browser
 * @param {string} baseURL
 */
export async function newPage(browser, baseURL) {
  const context = await browser.newContext({ baseURL, viewport: DESKTOP, locale: 'en-IE', reducedMotion: 'reduce' });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  /** @type {string[]} */
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, errors };
}

const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * WCAG 2 A/AA violations of serious or critical impact on the page as it is.
 * @param {import('playwright-core').Page} page
 * @returns {Promise<string[]>}
 */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    /** @typedef {{ id: string, impact: string, help: string, nodes: { target: string[] }[] }} Violation */
    const axe = /** @type {{ axe: { run: (context: Document, options: object) => Promise<{ violations: Violation[] }> } }} */ (/** @type {unknown} */ (window))
      .axe;
    const result = await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] });
    return result.violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** @type {Map<string, string[]>} */
export const accessibility = new Map();

/**
 * Screenshots of the page at desktop and phone width (docs/user-guide.md uses
 * them), and its accessibility check.
 * @param {import('playwright-core').Page} page
 * @param {string} name
 */
export async function shoot(page, name) {
  await mkdir(shotsDir, { recursive: true });
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: join(shotsDir, `${name}-desktop.png`), animations: 'disabled' });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: join(shotsDir, `${name}-phone.png`), animations: 'disabled' });
  accessibility.set(`${name} (phone)`, await axeViolations(page));
  await page.setViewportSize(DESKTOP);
  accessibility.set(name, await axeViolations(page));
}

/**
 * Replaces the text between `<!-- marker:start -->` and `<!-- marker:end -->` in a doc.
 * @param {string} doc path from the repository root
 * @param {string} marker
 * @param {string} text
 */
export async function updateDoc(doc, marker, text) {
  const path = join(repo, doc);
  const current = await readFile(path, 'utf8');
  const start = `<!-- ${marker}:start -->`;
  const end = `<!-- ${marker}:end -->`;
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${doc} has no ${marker} markers`);
  await writeFile(path, `${current.slice(0, from + start.length)}\n${text}\n${current.slice(to)}`);
}

/**
 * @param {string} name
 * @param {Record<string, unknown>} data
 */
export async function writeReport(name, data) {
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, name), `${JSON.stringify(data, null, 2)}\n`);
}
