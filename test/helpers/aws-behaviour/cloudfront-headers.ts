// CloudFront refuses to delete a response-headers policy that a cache behaviour of any distribution
// still names (409 ResponseHeadersPolicyInUse). MiniStack 1.5.33 means to, but looks for the id in
// the distribution's record, where the configuration is kept as XML text: it never finds it.
import { CloudFrontClient, GetDistributionConfigCommand, ListDistributionsCommand } from '@aws-sdk/client-cloudfront';
import { awsError } from '../aws-reply.js';
import type { Behaviour } from './types.js';

const IN_USE =
  'Cannot delete the response headers policy because it is attached to one or more cache behaviors in a CloudFront distribution.';

export const responseHeadersPolicyInUse: Behaviour = {
  kind: 'cloudfront-response-headers-policy-in-use',
  source:
    'CloudFront API reference, DeleteResponseHeadersPolicy: "You cannot delete a response headers policy if it\'s attached to a cache behavior. First update your distributions to remove the response headers policy from all cache behaviors"; Errors: ResponseHeadersPolicyInUse, HTTP 409',
  async before(call, _req, ctx) {
    if (call.service !== 'cloudfront' || call.operation !== 'DeleteResponseHeadersPolicy' || !call.resource)
      return undefined;
    const cf = ctx.emulator.client(CloudFrontClient);
    const ids = (await cf.send(new ListDistributionsCommand({}))).DistributionList?.Items?.map((d) => d.Id) ?? [];
    for (const Id of ids) {
      const config = (await cf.send(new GetDistributionConfigCommand({ Id }))).DistributionConfig;
      const behaviours = [config?.DefaultCacheBehavior, ...(config?.CacheBehaviors?.Items ?? [])];
      if (behaviours.some((b) => b?.ResponseHeadersPolicyId === call.resource)) {
        ctx.count('cloudfront-response-headers-policy-in-use');
        return awsError(call, 409, 'ResponseHeadersPolicyInUse', IN_USE);
      }
    }
    return undefined;
  },
};
