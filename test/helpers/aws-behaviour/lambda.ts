// Lambda as it answers a deployer without lambda:ListTags: GetFunction leaves out `Tags` (the
// field is absent, not empty), and ListTags itself is refused.
import { awsError } from '../aws-reply.js';
import type { Behaviour } from './types.js';

/** Turns a behaviour on and off while the proxy runs (a permission granted between two runs). */
export interface Switch {
  on: boolean;
}

/**
 * The switches of the behaviours in the AWS profile (`AWS_BEHAVIOURS`): off, since the profile is a
 * deployer with README's permissions; a test running through the profile turns one on.
 */
export const LAMBDA_SWITCHES = { tagsHidden: { on: false }, listTagsDenied: { on: false } };

/** GetFunction without `Tags`, as AWS answers a caller that is not allowed lambda:ListTags. */
export function getFunctionWithoutTags(sw: Switch = { on: true }): Behaviour {
  return {
    kind: 'lambda-tags-hidden',
    source:
      'Lambda API reference, GetFunction, response element Tags: "Lambda returns tag data only if you have explicit allow permissions for lambda:ListTags" (https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html)',
    after(call, _req, body, ctx) {
      if (!sw.on || call.service !== 'lambda' || call.operation !== 'GetFunction') return body;
      const doc = JSON.parse(body) as Record<string, unknown>;
      if (!('Tags' in doc)) return body;
      delete doc.Tags;
      ctx.count('lambda-tags-hidden');
      return JSON.stringify(doc);
    },
  };
}

/** ListTags refused with AWS's wording for an action no identity-based policy allows. */
export function listTagsDenied(sw: Switch = { on: true }): Behaviour {
  return {
    kind: 'lambda-list-tags-denied',
    source:
      'Lambda API reference, ListTags (GET /2017-03-31/tags/ARN) and Common Errors, AccessDeniedException (HTTP 403); IAM User Guide, "Troubleshoot access denied error messages" for the wording',
    before(call, _req, ctx) {
      if (!sw.on || call.service !== 'lambda' || call.operation !== 'ListTags') return undefined;
      ctx.count('lambda-list-tags-denied');
      const arn = `arn:aws:lambda:eu-west-3:000000000000:function:${call.resource ?? 'unknown'}`;
      return awsError(
        call,
        403,
        'AccessDeniedException',
        `User: arn:aws:iam::000000000000:user/deployer is not authorized to perform: lambda:ListTags on resource: ${arn} because no identity-based policy allows the lambda:ListTags action`,
      );
    },
  };
}
