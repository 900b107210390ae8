// What exists of a stack, counted straight from the emulator: proves nothing was made twice
// (or left behind) whatever happened between projet1 and AWS.
import {
  APIGatewayClient,
  GetAuthorizersCommand,
  GetResourcesCommand,
  GetRestApisCommand,
} from '@aws-sdk/client-api-gateway';
import {
  CloudFrontClient,
  ListDistributionsCommand,
  ListOriginAccessControlsCommand,
} from '@aws-sdk/client-cloudfront';
import { CloudWatchLogsClient, DescribeDeliveriesCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient, ListTablesCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import type { AwsClients } from '../../runtime/aws/clients.js';

/** Items in `table`, counted straight from the emulator. */
export async function itemCount(aws: AwsClients, table: string): Promise<number> {
  let n = 0;
  let start: ScanCommand['input']['ExclusiveStartKey'];
  do {
    const page = await aws
      .client(DynamoDBClient)
      .send(new ScanCommand({ TableName: table, Select: 'COUNT', ExclusiveStartKey: start }));
    n += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return n;
}

/** How many of each kind of resource of the stack exist, straight from the emulator. */
export async function inventory(aws: AwsClients, project: string): Promise<Record<string, number>> {
  const prefix = `${project}-development-`;
  const cf = aws.client(CloudFrontClient);
  const apis = (await aws.client(APIGatewayClient).send(new GetRestApisCommand({ limit: 500 }))).items ?? [];
  const fns = (await aws.client(LambdaClient).send(new ListFunctionsCommand({}))).Functions ?? [];
  const roles = (await aws.client(IAMClient).send(new ListRolesCommand({}))).Roles ?? [];
  const dists = (await cf.send(new ListDistributionsCommand({}))).DistributionList?.Items ?? [];
  const oacs = (await cf.send(new ListOriginAccessControlsCommand({}))).OriginAccessControlList?.Items ?? [];
  const tables = (await aws.client(DynamoDBClient).send(new ListTablesCommand({}))).TableNames ?? [];
  // CloudFront's access-log deliveries live in us-east-1 (src/stack/cdn-logs.ts).
  const deliveries =
    (await aws.client(CloudWatchLogsClient, { region: 'us-east-1' }).send(new DescribeDeliveriesCommand({})))
      .deliveries ?? [];
  const ours = apis.filter((a) => a.name === `${prefix}api`);
  const gw = aws.client(APIGatewayClient);
  const inside = async (restApiId: string) => ({
    resources: (await gw.send(new GetResourcesCommand({ restApiId, limit: 500 }))).items?.length ?? 0,
    authorizers: (await gw.send(new GetAuthorizersCommand({ restApiId }))).items?.length ?? 0,
  });
  const api = ours.length === 1 && ours[0]?.id ? await inside(ours[0].id) : { resources: 0, authorizers: 0 };
  return {
    apiResources: api.resources,
    authorizers: api.authorizers,
    restApis: apis.filter((a) => a.name === `${prefix}api`).length,
    functions: fns.filter((f) => f.FunctionName?.startsWith(prefix)).length,
    roles: roles.filter((r) => r.RoleName?.startsWith(prefix)).length,
    distributions: dists.filter((d) => d.Comment?.startsWith(`projet1 ${project}/development`)).length,
    oacs: oacs.filter((o) => o.Name?.startsWith(prefix)).length,
    tables: tables.filter((t) => t === `${project}-table`).length,
    cdnLogDeliveries: deliveries.filter((d) => d.deliverySourceName?.startsWith(prefix)).length,
  };
}

/** A whole stack, each resource once: the root, /products and /products/{product_id}; one authorizer. */
export const UP_INVENTORY = {
  apiResources: 3,
  authorizers: 1,
  restApis: 1,
  functions: 6,
  // One per function; the API Gateway logging role is the account's (projet1-apigw-logs-<region code>).
  roles: 6,
  distributions: 1,
  oacs: 1,
  tables: 1,
  cdnLogDeliveries: 1,
};
export const DOWN_INVENTORY = Object.fromEntries(Object.keys(UP_INVENTORY).map((k) => [k, 0]));
