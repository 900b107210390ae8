/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The storefront in a real browser (Debian's Chromium driven by playwright-core), opened at
// the website URL of a stack on the emulator, through the emulator's CloudFront.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { STOREFRONT_CSP } from '../../src/resources/cloudfront-response-headers-policy.js';
import { deploy, type Deployed } from '../helpers/api.js';
import { runCli } from '../helpers/cli.js';
import { useEmulator } from '../helpers/emulator.js';
import { VIEWER_HTTPS } from '../helpers/site.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let stack: Deployed;
let websiteUrl = '';
const emulator = useEmulator(async (h) => {
  stack = await deploy(h.endpoint, { api: { edgeOnly: null } });
  const cli = (...args: string[]) => runCli([...args, '--endpoint-url', h.endpoint], { cwd: stack.dir });
  assert.equal((await cli('products', 'seed', '--count', '30', '--seed', '11')).code, 0);
  const site = await cli('deploy-website', '--json');
  assert.equal(site.code, 0, site.stderr + site.stdout);
  websiteUrl = site.json<{ websiteUrl: string }>().websiteUrl;
});

let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
const pageErrors: string[] = [];
/** Every Content-Security-Policy violation the browser reports, on any page of the session. */
const cspViolations: string[] = [];

before(async () => {
  assert.ok(existsSync(CHROMIUM), `Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run installs it)`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  // A TLS-terminating edge would set this; the emulator's CloudFront enforces redirect-to-https.
  const context = await browser.newContext({ extraHTTPHeaders: VIEWER_HTTPS, viewport: { width: 1100, height: 820 } });
  page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.exposeFunction('reportCspViolation', (v: string) => cspViolations.push(v));
  await context.addInitScript(() => {
    const report = (window as unknown as { reportCspViolation: (v: string) => void }).reportCspViolation;
    document.addEventListener('securitypolicyviolation', (e) => report(`${e.violatedDirective} ${e.blockedURI}`));
  });
});
after(async () => {
  await browser?.close();
});

const editor = () => page.locator('#editor');
const cardNames = () => page.locator('.card-name').allTextContents();

describe('the storefront in a browser', () => {
  it('shows the seeded products, filters by category and pages with the cursor', async () => {
    assert.match(websiteUrl, /^http:\/\/\w+\.cloudfront\.localhost:\d+$/);
    const served = await page.goto(`${websiteUrl}/`);
    // The page runs under the stack's security headers, as the distribution serves them.
    const headers = served?.headers() ?? {};
    assert.equal(headers['content-security-policy'], STOREFRONT_CSP);
    assert.equal(headers['x-frame-options'], 'DENY');
    assert.equal(headers['strict-transport-security'], 'max-age=31536000');
    await page.locator('.card').nth(11).waitFor();
    const first = await cardNames();
    assert.equal(first.length, 12);
    assert.match((await page.locator('.card-price').first().textContent()) ?? '', /€\d/);

    await page.locator('#next').click();
    await page.getByText('Page 2').waitFor();
    await page.waitForFunction((names) => document.querySelector('.card-name')?.textContent !== names[0], first);
    const second = await cardNames();
    assert.equal(second.filter((n) => first.includes(n)).length, 0, 'another page of products');
    await page.locator('#prev').click();
    await page.getByText('Page 1').waitFor();

    const categories = await page.locator('#category option').allTextContents();
    assert.ok(categories.length >= 3, `categories present: ${categories.join(', ')}`);
    const chosen = categories[1] ?? '';
    await page.locator('#category').selectOption(chosen);
    await page.waitForFunction(
      (c) => [...document.querySelectorAll('.card-category')].every((e) => e.textContent === c),
      chosen,
    );
    assert.ok((await page.locator('.card').count()) > 0);
    assert.deepEqual(consoleErrors, [], 'no console errors while browsing');
    assert.deepEqual(pageErrors, []);
  });

  it('creates a product through the admin form, showing validation errors next to the fields', async () => {
    await page.locator('#admin-toggle').click();
    await page.getByLabel('Admin token').fill(stack.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#new-product').click();
    await editor().getByLabel('Name').fill('Browser Test Lamp');
    await editor().getByLabel('Category').fill('browser-tested');
    await editor().getByLabel('Price').fill('abc');
    await editor().getByLabel('Stock').fill('5');
    await page.locator('#save').click();
    await page.locator('#e-price').filter({ hasText: /./ }).waitFor();
    assert.equal(await editor().getByLabel('Price').getAttribute('aria-invalid'), 'true');
    await editor().getByLabel('Price').fill('19.90');
    await page.locator('#save').click();
    await page.getByText('Created “Browser Test Lamp”.').waitFor();
    await page.locator('#category').selectOption('browser-tested');
    await page.locator('.card-name', { hasText: 'Browser Test Lamp' }).waitFor();
    assert.deepEqual(pageErrors, []);
  });

  it('is refused without the right credential, and nothing is written', async () => {
    await page.locator('#admin-toggle').click(); // sign out
    await page.locator('#admin-toggle').click(); // sign in again, with a wrong token
    await page.getByLabel('Admin token').fill('not-the-admin-token-at-all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#new-product').click();
    await editor().getByLabel('Name').fill('Intruder Lamp');
    await editor().getByLabel('Category').fill('browser-tested');
    await editor().getByLabel('Price').fill('1');
    await editor().getByLabel('Stock').fill('1');
    await page.locator('#save').click();
    await page.getByText('The admin token was refused').waitFor();
    const listed = await runCli(
      ['products', 'list', '--category', 'browser-tested', '--json', '--endpoint-url', emulator.get().endpoint],
      {
        cwd: stack.dir,
      },
    );
    assert.deepEqual(
      listed.json<{ items: { name: string }[] }>().items.map((p) => p.name),
      ['Browser Test Lamp'],
    );
    assert.deepEqual(pageErrors, []);
  });

  it('reaches error.html for a missing page, with a way back', async () => {
    const res = await page.goto(`${websiteUrl}/no-such-page`);
    assert.equal(res?.status(), 404);
    await page.getByText('This page does not exist').waitFor();
    await page.getByRole('link', { name: 'Back to the catalog' }).click();
    await page.locator('.card').first().waitFor();
  });

  it('fits a 360 px screen without horizontal scrolling', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(`${websiteUrl}/`);
    await page.locator('.card').first().waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 360);
    await page.setViewportSize({ width: 1100, height: 820 });
    await page.locator('.card').nth(11).waitFor();
    // A picture for the README: UPDATE_SCREENSHOT=1 writes docs/storefront.png.
    const dir = process.env.UPDATE_SCREENSHOT ? join(PACKAGE_ROOT, 'docs') : join(tmpdir(), 'projet1-screenshots');
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, 'storefront.png') });
    assert.deepEqual(pageErrors, []);
  });

  it('ran every page above under the content security policy without a violation', () => {
    assert.deepEqual(cspViolations, []);
  });
});
