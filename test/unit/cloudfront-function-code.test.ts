// The www redirect's source, run as CloudFront runs it: a `handler(event)` given the viewer request
// (CloudFront Developer Guide, "CloudFront Functions event structure"). MiniStack routes its data
// plane by the distribution's own host only (`<label>.cloudfront.localhost`), never by an alias, so
// a request for www.<domain> cannot reach it there: the redirect itself is tested here, and the
// integration test (domain-redirect.test.ts) checks that the emulator runs the function it publishes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runInNewContext } from 'node:vm';
import {
  FUNCTION_RUNTIME,
  MAX_FUNCTION_BYTES,
  redirectCode,
  redirectedName,
} from '../../src/resources/cloudfront-function-code.js';

type Field = { value: string; multiValue?: { value: string }[] };
interface Request {
  method: string;
  uri: string;
  querystring: Record<string, Field>;
  headers: Record<string, Field>;
  cookies: Record<string, Field>;
}
type Answer = Request | { statusCode: number; statusDescription: string; headers: Record<string, Field> };

/** The function's handler in a context of its own, as the edge compiles it (no Node globals). */
function handlerOf(domain: string): (event: unknown) => Answer {
  return runInNewContext(`${redirectCode(domain)}\nhandler;`, {}) as (event: unknown) => Answer;
}

function viewer(host: string, uri: string, querystring: Record<string, Field> = {}) {
  const request: Request = { method: 'GET', uri, querystring, headers: { host: { value: host } }, cookies: {} };
  return { version: '1.0', context: { eventType: 'viewer-request' }, viewer: { ip: '192.0.2.1' }, request };
}

const location = (a: Answer) => ('statusCode' in a ? a.headers.location?.value : undefined);

describe('the www redirect (CloudFront Function source)', () => {
  it('answers 301 from www.<domain> to https://<domain> with the same path and query', () => {
    const handler = handlerOf('shop.example.com');
    const answer = handler(viewer('www.shop.example.com', '/some/path', { q: { value: '1' } }));
    assert.ok('statusCode' in answer);
    assert.equal(answer.statusCode, 301);
    assert.equal(location(answer), 'https://shop.example.com/some/path?q=1');
  });

  it('keeps every value of a repeated parameter, percent-encoded once', () => {
    const handler = handlerOf('shop.example.com');
    const query = {
      tag: { value: 'a b', multiValue: [{ value: 'a b' }, { value: 'c' }] },
      raw: { value: '%C3%A9t%C3%A9' },
      flag: { value: '' },
    };
    assert.equal(
      location(handler(viewer('WWW.shop.example.com', '/p', query))),
      'https://shop.example.com/p?tag=a%20b&tag=c&raw=%C3%A9t%C3%A9&flag',
    );
    assert.equal(location(handler(viewer('www.shop.example.com', '/'))), 'https://shop.example.com/');
  });

  it('lets every other host through unchanged: the domain, an alternate, the distribution', () => {
    const handler = handlerOf('shop.example.com');
    for (const host of ['shop.example.com', 'shop.example.org', 'd111111abcdef8.cloudfront.net']) {
      const event = viewer(host, '/index.html');
      assert.equal(handler(event), event.request, host);
    }
  });

  it('redirects the apex to a domain that is itself www.<apex>', () => {
    assert.equal(redirectedName('www.example.com'), 'example.com');
    assert.equal(redirectedName('shop.example.com'), 'www.shop.example.com');
    const handler = handlerOf('www.example.com');
    assert.equal(
      location(handler(viewer('example.com', '/a', { b: { value: '2' } }))),
      'https://www.example.com/a?b=2',
    );
    const event = viewer('www.example.com', '/a');
    assert.equal(handler(event), event.request);
  });

  it("fits CloudFront's limits: runtime 2.0, under 10 KB for the longest domain", () => {
    assert.equal(FUNCTION_RUNTIME, 'cloudfront-js-2.0');
    const longest = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`;
    assert.ok(Buffer.byteLength(redirectCode(longest)) < MAX_FUNCTION_BYTES);
    assert.throws(() => redirectCode("x.com'; evil()"), /not a DNS name/);
  });
});
