// The source of the `website.redirectWww` CloudFront Function (runtime cloudfront-js-2.0): on the
// default behaviour's viewer-request, a request whose Host is the other name (www.<domain>, or the
// apex when the domain is itself www.<apex>) gets a 301 to https://<domain> with the same path and
// query string; any other request goes on unchanged. Plain ES5 on purpose: CloudFront's runtime is
// not Node, and the fewer features the source leans on, the fewer surprises at the edge.
import { UserError } from '../errors.js';

/** The runtime the function is created with (CloudFront Developer Guide, "JavaScript runtime 2.0"). */
export const FUNCTION_RUNTIME = 'cloudfront-js-2.0' as const;
/** CloudFront's quota on a function's code ("Maximum size of a function": 10 KB). */
export const MAX_FUNCTION_BYTES = 10 * 1024;

/**
 * The name that redirects to `domain`: `www.<domain>`, or for a domain that is itself `www.<apex>`
 * the apex. A user who names `www.shop.example.com` as the site's domain wants that name in the
 * address bar, so the apex is the one that moves; otherwise www moves to the domain (the issue's
 * "www → apex").
 */
export function redirectedName(domain: string): string {
  return domain.startsWith('www.') ? domain.slice(4) : `www.${domain}`;
}

/** The function's source for `domain` (a lower-case DNS name, checked by the configuration's schema). */
export function redirectCode(domain: string): string {
  if (!/^[a-z0-9.-]+$/.test(domain)) throw new Error(`not a DNS name: ${domain}`);
  const code = `// projet1: website.redirectWww
var CANONICAL = '${domain}';
var REDIRECTED = '${redirectedName(domain)}';

// Each value again percent-encoded, whether the event gave it decoded or not.
function encode(text) {
  var plain = text;
  try {
    plain = decodeURIComponent(text);
  } catch (e) {}
  return encodeURIComponent(plain);
}

function queryString(query) {
  var parts = [];
  for (var key in query) {
    var field = query[key];
    var values = field.multiValue ? field.multiValue : [field];
    for (var i = 0; i < values.length; i++) {
      var value = values[i].value;
      parts.push(value === '' ? encode(key) : encode(key) + '=' + encode(value));
    }
  }
  return parts.length > 0 ? '?' + parts.join('&') : '';
}

function handler(event) {
  var request = event.request;
  var host = request.headers.host ? request.headers.host.value.toLowerCase() : '';
  if (host !== REDIRECTED) return request;
  return {
    statusCode: 301,
    statusDescription: 'Moved Permanently',
    headers: { location: { value: 'https://' + CANONICAL + request.uri + queryString(request.querystring) } },
  };
}
`;
  const bytes = Buffer.byteLength(code, 'utf8');
  if (bytes > MAX_FUNCTION_BYTES)
    throw new UserError(`The www redirect for ${domain} would be ${bytes} bytes, over CloudFront's 10 KB.`, {
      hint: 'Use a shorter website.domain, or set website.redirectWww to false.',
    });
  return code;
}
