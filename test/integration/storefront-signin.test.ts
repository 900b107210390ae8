/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Admin accounts in the storefront (auth.users), in a real browser (Debian's Chromium driven by playwright-core)
// opened at the website URL of a stack on the emulator, through the emulator's CloudFront: the page signs in
// with the stack's user pool at the emulator's Cognito endpoint and writes through the distribution, as a person
// would. The accounts are made by `projet1 users add`, which prints their temporary password on the emulator.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import {
  AdminResetUserPasswordCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { type Browser, chromium, type Page, type Request } from 'playwright-core';
import { storefrontCsp } from '../../src/resources/cloudfront-response-headers-policy.js';
import { deploy, type Deployed } from '../helpers/api.js';
import { runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';
import { VIEWER_HTTPS, viaCloudFront } from '../helpers/site.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const EDITOR = 'editor@example.com';
const ADMIN = 'admin@example.com';
const NEW_PASSWORD = 'Chosen-by-me-42!';
/** The code MiniStack's AdminResetUserPassword "e-mails" (a constant of the emulator; AWS sends a random one). */
const EMULATOR_RESET_CODE = '654321';
interface AuthSettings {
  region: string;
  userPoolId: string;
  userPoolClientId: string;
  cognitoEndpoint: string;
}

let stack: Deployed;
let websiteUrl = '';
let auth: AuthSettings;
const temporary = new Map<string, string>();
const cli = (...args: string[]) => runCli([...args, '--endpoint-url', emulator.get().endpoint], { cwd: stack.dir });

const emulator = useEmulator(async (h) => {
  stack = await deploy(h.endpoint, { api: { edgeOnly: null }, auth: { users: true } });
  assert.equal((await cli('products', 'seed', '--count', '5', '--seed', '7')).code, 0);
  for (const [email, group] of [
    [EDITOR, 'editors'],
    [ADMIN, 'admins'],
  ] as const) {
    const added = await cli('users', 'add', email, '--group', group, '--json');
    assert.equal(added.code, 0, added.stderr + added.stdout);
    const password = added.json<{ temporaryPassword?: string }>().temporaryPassword;
    assert.ok(password, `users add printed the temporary password on the emulator: ${added.stdout}`);
    temporary.set(email, password);
  }
  const site = await cli('deploy-website', '--json');
  assert.equal(site.code, 0, site.stderr + site.stdout);
  websiteUrl = site.json<{ websiteUrl: string }>().websiteUrl;
  auth = (JSON.parse((await viaCloudFront(websiteUrl, '/config.json')).text) as { auth: AuthSettings }).auth;
});

let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const cspViolations: string[] = [];

before(async () => {
  assert.ok(existsSync(CHROMIUM), `Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run installs it)`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const context = await browser.newContext({ extraHTTPHeaders: VIEWER_HTTPS, viewport: { width: 1100, height: 820 } });
  // The page's clock is the test's: it moves the page an hour on instead of waiting for the tokens to age.
  await context.clock.install();
  page = await context.newPage();
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
const kept = () =>
  page.evaluate(
    () => JSON.parse(sessionStorage.getItem('projet1-admin-session') ?? 'null') as Record<string, string> | null,
  );
const cognitoCall = (operation: string, flow?: string) => (r: Request) =>
  r.url().startsWith(auth.cognitoEndpoint) &&
  r.headers()['x-amz-target'] === `AWSCognitoIdentityProviderService.${operation}` &&
  (flow === undefined || (r.postData() ?? '').includes(flow));
/** The write the page sends to the API (through the distribution), for its Authorization header. */
const apiWrite = (method: string) => (r: Request) =>
  r.method() === method && new URL(r.url()).pathname.startsWith('/products');

async function signIn(email: string, password: string): Promise<void> {
  await page.locator('#admin-toggle').click();
  await page.getByLabel('E-mail', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.locator('#account-submit').click();
}

async function firstSignIn(email: string): Promise<void> {
  await signIn(email, temporary.get(email) ?? '');
  await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel('Repeat the new password').fill(NEW_PASSWORD);
  await page.locator('#account-submit').click();
  await page.locator('#who').filter({ hasText: email }).waitFor();
}

async function openProduct(name: string): Promise<string> {
  await page.locator('#category').selectOption('signed-in');
  await page.locator('.card-name', { hasText: name }).click();
  await page.locator('#detail-name', { hasText: name }).waitFor();
  return (await page.locator('#detail-id').textContent()) ?? '';
}

let productId = '';

describe('admin accounts in the storefront', () => {
  it('serves the page with the sign-in service as the only other origin it may connect to', async () => {
    const served = await page.goto(`${websiteUrl}/`);
    const origin = new URL(auth.cognitoEndpoint).origin;
    assert.equal(served?.headers()['content-security-policy'], storefrontCsp(origin));
    assert.match(storefrontCsp(origin), new RegExp(`connect-src 'self' ${origin};`));
    await page.locator('.card').first().waitFor();
  });

  it('signs an editor in: a wrong password refused, then the temporary one and the new-password challenge', async () => {
    await signIn(EDITOR, 'not-the-password-1A!');
    await page
      .locator('#account-error')
      .filter({ hasText: /incorrect username or password/i })
      .waitFor();
    await page.getByLabel('Password', { exact: true }).fill(temporary.get(EDITOR) ?? '');
    await page.locator('#account-submit').click();
    await page.getByText('First sign-in: choose your own password').waitFor();
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Repeat the new password').fill('Something-else-42!');
    await page.locator('#account-submit').click();
    await page.locator('#account-error', { hasText: 'The two passwords differ.' }).waitFor();
    await page.getByLabel('Repeat the new password').fill(NEW_PASSWORD);
    await page.locator('#account-submit').click();
    await page.locator('#who', { hasText: `${EDITOR} (editor)` }).waitFor();
    await page.getByText(`Signed in as ${EDITOR} (editor)`).waitFor();
    assert.equal(await page.locator('#admin-toggle').textContent(), 'Sign out');
    // Who is signed in still fits a 360 px screen.
    await page.setViewportSize({ width: 360, height: 740 });
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 360);
    await page.setViewportSize({ width: 1100, height: 820 });
  });

  it('as an editor, creates and edits a product; delete is not offered, and refused with a clear message', async () => {
    await page.locator('#new-product').click();
    await editor().getByLabel('Name').fill('Signed Lamp');
    await editor().getByLabel('Category').fill('signed-in');
    await editor().getByLabel('Price').fill('19.90');
    await editor().getByLabel('Stock').fill('3');
    const post = page.waitForRequest(apiWrite('POST'));
    await page.locator('#save').click();
    await page.getByText('Created “Signed Lamp”.').waitFor();
    assert.equal((await post).headers().authorization, `Bearer ${(await kept())?.idToken}`);

    productId = await openProduct('Signed Lamp');
    assert.equal(await page.locator('#detail-delete').isHidden(), true, 'no delete for an editor');
    await page.locator('#detail-edit').click();
    await editor().getByLabel('Price').fill('24.50');
    await page.locator('#save').click();
    await page.getByText('Saved “Signed Lamp”.').waitFor();

    // A page left open while the account's rights changed still shows delete: the API's refusal is said plainly.
    await openProduct('Signed Lamp');
    await page.evaluate(() => {
      (document.getElementById('detail-delete') as HTMLButtonElement).hidden = false;
    });
    page.once('dialog', (d) => void d.accept());
    await page.locator('#detail-delete').click();
    await page
      .locator('#detail-error', {
        hasText: `Only admins can delete products: you are signed in as ${EDITOR} (editor).`,
      })
      .waitFor();
    assert.equal(await page.locator('#who').textContent(), `${EDITOR} (editor)`, 'still signed in');
    await page.locator('#detail [data-close]').click();
    const got = await cli('products', 'get', productId);
    assert.equal(got.code, 0, got.stderr);
    assert.equal(got.json<{ price: number }>().price, 24.5);
  });

  it('signs out: the refresh token is revoked, then forgotten', async () => {
    const refreshToken = (await kept())?.refreshToken ?? '';
    assert.ok(refreshToken);
    const revoke = page.waitForResponse((r) => cognitoCall('RevokeToken')(r.request()));
    await page.locator('#admin-toggle').click();
    assert.equal((await revoke).status(), 200);
    await page.getByText('Signed out.').waitFor();
    assert.equal(await kept(), null);
    assert.equal(await page.locator('#who').isHidden(), true);
    assert.equal(await page.locator('#new-product').isHidden(), true);
    const again = await fetch(auth.cognitoEndpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': 'AWSCognitoIdentityProviderService.InitiateAuth',
      },
      body: JSON.stringify({
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        ClientId: auth.userPoolClientId,
        AuthParameters: { REFRESH_TOKEN: refreshToken },
      }),
    });
    assert.equal(again.status, 400, 'the revoked refresh token signs in no more');
  });

  it('after a reset on AWS (a code e-mailed), asks for the code and a new password, then signs in', async () => {
    // What `projet1 users reset-password` does on AWS; on an emulator it prints a temporary password instead.
    const cognito = emulatorClients(emulator.get().endpoint).client(CognitoIdentityProviderClient);
    await cognito.send(new AdminResetUserPasswordCommand({ UserPoolId: auth.userPoolId, Username: EDITOR }));
    await signIn(EDITOR, NEW_PASSWORD);
    await page.getByText(`Your password was reset: enter the code e-mailed to ${EDITOR}`).waitFor();
    await page.getByLabel('Code from the e-mail').fill(EMULATOR_RESET_CODE);
    await page.getByLabel('New password', { exact: true }).fill('After-the-reset-42!');
    await page.getByLabel('Repeat the new password').fill('After-the-reset-42!');
    await page.locator('#account-submit').click();
    await page.locator('#who', { hasText: `${EDITOR} (editor)` }).waitFor();
  });

  it('keeps the sign-in across a reload; a token the API refuses ends it with a clear message, nothing written', async () => {
    await page.reload();
    await page.locator('#who', { hasText: `${EDITOR} (editor)` }).waitFor();
    // The kept ID token with another signature (as a forged or another pool's token would have): the API says 401.
    await page.evaluate(() => {
      const session = JSON.parse(sessionStorage.getItem('projet1-admin-session') ?? '{}') as { idToken: string };
      const [header, payload] = session.idToken.split('.');
      session.idToken = `${header}.${payload}.${'A'.repeat(342)}`;
      sessionStorage.setItem('projet1-admin-session', JSON.stringify(session));
    });
    await page.reload();
    await page.locator('#who', { hasText: EDITOR }).waitFor();
    await page.locator('#new-product').click();
    await editor().getByLabel('Name').fill('Forged Lamp');
    await editor().getByLabel('Category').fill('signed-in');
    await editor().getByLabel('Price').fill('1');
    await editor().getByLabel('Stock').fill('1');
    const post = page.waitForResponse((r) => apiWrite('POST')(r.request()));
    await page.locator('#save').click();
    assert.equal((await post).status(), 401);
    await page.getByText('Your sign-in was refused (expired or revoked): sign in again.').waitFor();
    assert.equal(await page.locator('#who').isHidden(), true, 'signed out');
    assert.equal(await page.locator('#admin-toggle').textContent(), 'Admin sign-in');
    await page.locator('#editor [data-close]').click();
    const listed = await cli('products', 'list', '--category', 'signed-in', '--json');
    assert.deepEqual(
      listed.json<{ items: { name: string }[] }>().items.map((p) => p.name),
      ['Signed Lamp'],
    );
  });

  it('refreshes the tokens before they expire: on a timer, and before a write when the timer slept', async () => {
    await firstSignIn(ADMIN);
    const first = (await kept())?.idToken ?? '';
    // An hour's tokens: the timer refreshes them two minutes before their end.
    const onTimer = page.waitForResponse((r) => cognitoCall('InitiateAuth', 'REFRESH_TOKEN_AUTH')(r.request()));
    await page.clock.fastForward('58:30');
    assert.equal((await onTimer).status(), 200);
    await page.waitForFunction((t) => !sessionStorage.getItem('projet1-admin-session')?.includes(t), first);
    assert.equal(await page.locator('#who').textContent(), `${ADMIN} (admin)`);

    // A background tab's timers sleep: the clock jumps without them, and the write refreshes first.
    const second = (await kept())?.idToken;
    const pageNow = await page.evaluate(() => Date.now());
    await page.clock.setSystemTime(pageNow + 59 * 60 * 1000);
    await openProduct('Signed Lamp');
    assert.equal(await page.locator('#detail-delete').isVisible(), true, 'delete offered to an admin');
    const beforeWrite = page.waitForResponse((r) => cognitoCall('InitiateAuth', 'REFRESH_TOKEN_AUTH')(r.request()));
    const del = page.waitForRequest(apiWrite('DELETE'));
    page.once('dialog', (d) => void d.accept());
    await page.locator('#detail-delete').click();
    const refreshed = (await (await beforeWrite).json()) as { AuthenticationResult: { IdToken: string } };
    assert.notEqual(refreshed.AuthenticationResult.IdToken, second);
    assert.equal((await del).headers().authorization, `Bearer ${refreshed.AuthenticationResult.IdToken}`);

    // …and the admin's delete, with the refreshed token, is done.
    await page.getByText('Deleted “Signed Lamp”.').waitFor();
    const got = await cli('products', 'get', productId);
    assert.notEqual(got.code, 0, 'the product is gone');
  });

  it('ran every page above under the content security policy, without a script error', () => {
    assert.deepEqual(cspViolations, []);
    assert.deepEqual(pageErrors, []);
  });
});
