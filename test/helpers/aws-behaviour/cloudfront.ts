// CloudFront on an account AWS has not yet cleared for it (many new accounts): CreateDistribution
// is refused with a 403 AccessDenied whatever the caller's permissions, until AWS Support verifies
// the account.
import { awsError } from '../aws-reply.js';
import type { Switch } from './lambda.js';
import type { Behaviour } from './types.js';

export const UNVERIFIED_MESSAGE =
  'Your account must be verified before you can add new CloudFront resources. To verify your account, please contact AWS Support (https://console.aws.amazon.com/support/home#/) and include this error message.';

/** The switch of the behaviour in the AWS profile: off, the profile's account is verified. */
export const CLOUDFRONT_SWITCHES = { unverified: { on: false } };

/** CreateDistribution(WithTags) refused while `sw.on` (the account not yet verified). */
export function cloudfrontAccountUnverified(sw: Switch = { on: true }): Behaviour {
  return {
    kind: 'cloudfront-account-unverified',
    source:
      'CloudFront API reference, Common Errors (AccessDenied, 403) and its XML error form <ErrorResponse><Error><Type>Sender</Type><Code>…; the message as AWS sends it, quoted in hashicorp/terraform-provider-aws#36663 (CreateDistributionWithTags, StatusCode: 403, AccessDenied) and aws-samples/aws-cdk-examples#279',
    before(call, _req, ctx) {
      if (!sw.on || call.service !== 'cloudfront' || call.operation !== 'CreateDistribution') return undefined;
      ctx.count('cloudfront-account-unverified');
      return awsError(call, 403, 'AccessDenied', UNVERIFIED_MESSAGE);
    },
  };
}
