// API Gateway's usage plans as AWS treats them: a plan still associated with an API stage cannot be
// deleted (its stages are removed first). MiniStack deletes it with its stages.
import { APIGatewayClient, GetUsagePlanCommand } from '@aws-sdk/client-api-gateway';
import { awsError, type Reply } from '../aws-reply.js';
import type { Behaviour } from './types.js';

export const usagePlanWithStages: Behaviour = {
  kind: 'apigateway-usage-plan-has-stages',
  source:
    'Terraform AWS provider internal/service/apigateway/usage_plan.go resourceUsagePlanDelete ("Removing existing api stages associated": an UpdateUsagePlan removing each /apiStages, then DeleteUsagePlan); the message is a model, AWS documents only the BadRequestException',
  async before(call, _req, ctx): Promise<Reply | undefined> {
    if (call.service !== 'apigateway' || call.operation !== 'DeleteUsagePlan' || !call.resource) return undefined;
    const plan = await ctx.emulator
      .client(APIGatewayClient)
      .send(new GetUsagePlanCommand({ usagePlanId: call.resource }))
      .catch(() => undefined);
    if (!plan?.apiStages?.length) return undefined;
    ctx.count('apigateway-usage-plan-has-stages');
    return awsError(
      call,
      400,
      'BadRequestException',
      'Cannot delete Usage Plan while it has associated API stages; remove them first',
    );
  },
};
