// The security headers' defaults, the settings a user may change and what is refused, and the
// storefront against its content security policy: what its pages load must be what the CSP allows.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UserError } from '../../src/errors.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import {
  HSTS_ONE_YEAR,
  MAX_CSP_LENGTH,
  policyConfig,
  STOREFRONT_CSP,
  securityHeaders,
  storefrontCsp,
} from '../../src/resources/cloudfront-response-headers-policy.js';

const TAGS = { project: 'p', environment: 'e', region: 'eu-west-3', 'managed-by': 'projet1' };
const SITE = join(PACKAGE_ROOT, 'website');
const site = (ext: string) =>
  readdirSync(SITE)
    .filter((f) => f.endsWith(ext))
    .map((f) => ({ file: f, text: readFileSync(join(SITE, f), 'utf8') }));

describe('security headers', () => {
  it('default to a year of HSTS without subdomains, nosniff, DENY and the storefront CSP, all overriding', () => {
    const d = securityHeaders({ name: 'n', tags: TAGS });
    assert.deepEqual(d.hsts, { maxAgeSeconds: HSTS_ONE_YEAR, includeSubdomains: false, preload: false });
    assert.equal(d.csp, STOREFRONT_CSP);
    const s = policyConfig(d).SecurityHeadersConfig;
    assert.equal(s?.FrameOptions?.FrameOption, 'DENY');
    assert.equal(s?.ReferrerPolicy?.ReferrerPolicy, 'strict-origin-when-cross-origin');
    assert.deepEqual(s?.ContentTypeOptions, { Override: true });
    for (const h of [s?.StrictTransportSecurity, s?.FrameOptions, s?.ReferrerPolicy, s?.ContentSecurityPolicy])
      assert.equal(h?.Override, true);
    assert.equal(policyConfig(d).Comment, 'project=p environment=e region=eu-west-3 managed-by=projet1');
  });

  it('include subdomains (and preload) only when asked; a CSP of one’s own replaces the storefront’s', () => {
    const d = securityHeaders({
      name: 'n',
      tags: TAGS,
      includeSubdomains: true,
      preload: true,
      csp: " default-src 'none' ",
    });
    assert.deepEqual(d.hsts, { maxAgeSeconds: HSTS_ONE_YEAR, includeSubdomains: true, preload: true });
    assert.equal(d.csp, "default-src 'none'");
  });

  it('refuses a CSP CloudFront would refuse, and preload without subdomains, naming the setting', () => {
    const long = `default-src 'self'; ${'img-src https://example.com; '.repeat(70)}`;
    assert.ok(long.length > MAX_CSP_LENGTH);
    assert.throws(
      () => securityHeaders({ name: 'n', tags: TAGS, csp: long, cspKey: 'website.headers.csp' }),
      (e: unknown) => e instanceof UserError && /^website\.headers\.csp must be one line/.test(e.message),
    );
    assert.throws(() => securityHeaders({ name: 'n', tags: TAGS, csp: '  ' }), UserError);
    assert.throws(() => securityHeaders({ name: 'n', tags: TAGS, csp: "default-src 'self';\nimg-src *" }), UserError);
    assert.throws(() => securityHeaders({ name: 'n', tags: TAGS, preload: true }), /preload needs includeSubdomains/);
  });

  it("the storefront's CSP: same origin only, no inline code, no framing", () => {
    const directives = new Map(
      STOREFRONT_CSP.split(';').map((d) => {
        const [name = '', ...sources] = d.trim().split(/\s+/);
        return [name, sources] as const;
      }),
    );
    assert.deepEqual(directives.get('default-src'), ["'self'"]);
    assert.deepEqual(directives.get('frame-ancestors'), ["'none'"]);
    assert.doesNotMatch(STOREFRONT_CSP, /unsafe-inline|unsafe-eval|\*/);
    assert.equal(directives.has('script-src'), false, 'scripts fall back to default-src');
  });

  it('with admin accounts the storefront may also connect to the sign-in service, and only then', () => {
    const cognito = 'https://cognito-idp.eu-west-3.amazonaws.com';
    assert.equal(storefrontCsp(), STOREFRONT_CSP);
    assert.equal(securityHeaders({ name: 'n', tags: TAGS }).csp, STOREFRONT_CSP);
    const withAccounts = securityHeaders({ name: 'n', tags: TAGS, signInOrigin: cognito }).csp;
    assert.equal(withAccounts, STOREFRONT_CSP.replace("'self'; ", `'self'; connect-src 'self' ${cognito}; `));
    // A policy of one's own replaces the storefront's whole, accounts or not: its author lists the origins.
    assert.equal(
      securityHeaders({ name: 'n', tags: TAGS, signInOrigin: cognito, csp: "default-src 'none'" }).csp,
      "default-src 'none'",
    );
  });

  it('the storefront loads only what its CSP allows: no inline script, style or handler; no other origin', () => {
    for (const { file, text } of site('.html')) {
      for (const tag of text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
        assert.match(tag[1] ?? '', /\bsrc="[^":]+"/, `${file}: a script from elsewhere than its own origin`);
        assert.equal((tag[2] ?? '').trim(), '', `${file}: an inline script`);
      }
      assert.doesNotMatch(text, /<style\b|\sstyle="|\son[a-z]+="/i, `${file}: inline style or handler`);
      // Sources other than the page's origin: only the empty data: favicon, which img-src allows.
      const elsewhere = [...text.matchAll(/\s(?:src|href)="([a-z][a-z0-9+.-]*:[^"]*)"/gi)].map((m) => m[1]);
      assert.deepEqual(elsewhere, file === 'index.html' || file === 'error.html' ? ['data:,'] : [], file);
    }
    for (const { file, text } of site('.js')) {
      assert.doesNotMatch(text, /\beval\(|new Function\(|innerHTML|insertAdjacentHTML|document\.write/, file);
      // fetch() only on the same origin: config.json and the API under the page's own host (apiBase '').
      for (const m of text.matchAll(/fetch\(\s*([^,)]+)/g))
        assert.doesNotMatch(m[1] ?? '', /https?:/, `${file}: fetch to another origin`);
    }
  });
});
