// The Resource Groups Tagging API on AWS lists ACM certificates with the rest; MiniStack 1.5.33's
// GetResources collects no ACM tags (ministack/services/tagging.py has no ACM collector), so a
// certificate a stack tagged cannot be found there by its tags. This answers GetResources from the
// emulator's own answer plus the region's certificates whose ACM tags match the filters.
import { ACMClient, ListTagsForCertificateCommand, paginateListCertificates } from '@aws-sdk/client-acm';
import {
  GetResourcesCommand,
  type GetResourcesCommandInput,
  ResourceGroupsTaggingAPIClient,
  type ResourceTagMapping,
} from '@aws-sdk/client-resource-groups-tagging-api';
import type { Behaviour, BehaviourContext, RawRequest } from './types.js';

const regionOf = (req: RawRequest): string =>
  /Credential=[^/]+\/\d+\/([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? 'us-east-1';

async function certificates(ctx: BehaviourContext, region: string, input: GetResourcesCommandInput) {
  const acm = ctx.emulator.client(ACMClient, { region });
  const out: ResourceTagMapping[] = [];
  for await (const page of paginateListCertificates({ client: acm }, {})) {
    for (const s of page.CertificateSummaryList ?? []) {
      if (!s.CertificateArn) continue;
      const tags = (await acm.send(new ListTagsForCertificateCommand({ CertificateArn: s.CertificateArn }))).Tags ?? [];
      const matches = (input.TagFilters ?? []).every((f) =>
        tags.some((t) => t.Key === f.Key && (!f.Values?.length || f.Values.includes(t.Value ?? ''))),
      );
      if (matches) out.push({ ResourceARN: s.CertificateArn, Tags: tags.map((t) => ({ Key: t.Key, Value: t.Value })) });
    }
  }
  return out;
}

export const taggingListsCertificates: Behaviour = {
  kind: 'tagging-lists-certificates',
  source:
    'Resource Groups Tagging API User Guide, "Services that support the Resource Groups Tagging API": AWS Certificate Manager (certificate) is listed; GetResources returns every tagged resource of the region that matches TagFilters',
  async before(call, req, ctx) {
    if (call.service !== 'tagging' || call.operation !== 'GetResources') return undefined;
    const region = regionOf(req);
    const input = JSON.parse(req.body.toString('utf8') || '{}') as GetResourcesCommandInput;
    const page = await ctx.emulator
      .client(ResourceGroupsTaggingAPIClient, { region })
      .send(new GetResourcesCommand(input));
    const list = [...(page.ResourceTagMappingList ?? [])];
    // Appended to the last page, so a paging caller sees each once.
    if (!page.PaginationToken) {
      const certs = await certificates(ctx, region, input);
      if (certs.length > 0) ctx.count('tagging-lists-certificates');
      list.push(...certs);
    }
    const body = JSON.stringify({ PaginationToken: page.PaginationToken ?? '', ResourceTagMappingList: list });
    return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body };
  },
};
