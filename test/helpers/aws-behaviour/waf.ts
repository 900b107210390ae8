// WAF refuses to delete a web ACL that a resource still uses (WAFAssociatedItemException); for a
// CloudFront-scope ACL, that is a distribution whose WebACLId names it. MiniStack 1.5.33 deletes it
// anyway (its DeleteWebACL checks only the lock token), so the proxy answers as WAF does.
import { CloudFrontClient, GetDistributionConfigCommand, ListDistributionsCommand } from '@aws-sdk/client-cloudfront';
import { awsError } from '../aws-reply.js';
import type { Behaviour } from './types.js';

const IN_USE =
  "AWS WAF couldn't perform the operation because your resource is being used by another resource or it's associated with another resource.";

export const webAclAssociated: Behaviour = {
  kind: 'waf-web-acl-associated',
  source:
    'AWS CLI reference, wafv2 delete-web-acl: "A web ACL can only be deleted when it\'s not associated with any resources"; AWS WAF API reference, DeleteWebACL errors: WAFAssociatedItemException (HTTP 400), the message above. For CloudFront the association is the distribution\'s WebACLId',
  async before(call, req, ctx) {
    if (call.service !== 'wafv2' || call.operation !== 'DeleteWebACL') return undefined;
    const parsed: unknown = JSON.parse(req.body.toString('utf8') || '{}');
    const id = typeof parsed === 'object' && parsed !== null && 'Id' in parsed ? String(parsed.Id) : '';
    if (!id) return undefined;
    const cf = ctx.emulator.client(CloudFrontClient);
    const ids = (await cf.send(new ListDistributionsCommand({}))).DistributionList?.Items?.map((d) => d.Id) ?? [];
    for (const Id of ids) {
      const webAcl = (await cf.send(new GetDistributionConfigCommand({ Id }))).DistributionConfig?.WebACLId ?? '';
      if (webAcl.endsWith(`/${id}`)) {
        ctx.count('waf-web-acl-associated');
        return awsError(call, 400, 'WAFAssociatedItemException', IN_USE);
      }
    }
    return undefined;
  },
};
