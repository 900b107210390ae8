// Lambda resource policies that let exactly this API (and route) invoke each function.
import { AddPermissionCommand, GetPolicyCommand, LambdaClient, RemovePermissionCommand } from '@aws-sdk/client-lambda';
import { isAwsError, unless } from '../aws/errors.js';
import type { ProvisionContext } from '../engine/types.js';

export const PERMISSION_SID = 'projet1-apigateway';

interface PolicyStatement {
  Sid?: string;
  Condition?: { ArnLike?: Record<string, string> };
}

/** The SourceArn of our statement on `functionName`, or undefined. */
export async function readPermission(ctx: ProvisionContext, functionName: string): Promise<string | undefined> {
  const res = await unless(
    ctx.aws.client(LambdaClient).send(new GetPolicyCommand({ FunctionName: functionName })),
    'ResourceNotFoundException',
  );
  if (!res?.Policy) return undefined;
  const policy = JSON.parse(res.Policy) as { Statement?: PolicyStatement[] };
  const ours = policy.Statement?.find((s) => s.Sid === PERMISSION_SID);
  return ours ? (ours.Condition?.ArnLike?.['AWS:SourceArn'] ?? '(unscoped)') : undefined;
}

export async function writePermission(
  ctx: ProvisionContext,
  functionName: string,
  sourceArn: string,
  exists: boolean,
): Promise<void> {
  const lambda = ctx.aws.client(LambdaClient);
  if (exists)
    await unless(
      lambda.send(new RemovePermissionCommand({ FunctionName: functionName, StatementId: PERMISSION_SID })),
      'ResourceNotFoundException',
    );
  const add = new AddPermissionCommand({
    FunctionName: functionName,
    StatementId: PERMISSION_SID,
    Action: 'lambda:InvokeFunction',
    Principal: 'apigateway.amazonaws.com',
    SourceArn: sourceArn,
  });
  try {
    await lambda.send(add);
  } catch (err) {
    // A retry of an add whose answer was lost meets the statement it made: that one is fine.
    if (!isAwsError(err, 'ResourceConflictException')) throw err;
    if ((await readPermission(ctx, functionName)) === sourceArn) return;
    await removePermission(ctx, functionName);
    await lambda.send(add);
  }
}

export async function removePermission(ctx: ProvisionContext, functionName: string): Promise<void> {
  await unless(
    ctx.aws
      .client(LambdaClient)
      .send(new RemovePermissionCommand({ FunctionName: functionName, StatementId: PERMISSION_SID })),
    'ResourceNotFoundException',
  );
}
