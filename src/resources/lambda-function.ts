// Lambda function from a deterministic zip. Code is replaced only when its SHA-256
// differs; configuration only when a setting differs. Waits for Active / Successful
// between calls, and retries while a new role is not yet assumable (IAM propagation).
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListTagsCommand,
  TagResourceCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type Runtime,
} from '@aws-sdk/client-lambda';
import { AccessDeniedError, isAwsError, unless } from '../aws/errors.js';
import { canonicalJson } from '../engine/canonical.js';
import { tagChanges } from '../engine/plan.js';
import { retrying } from '../engine/retry.js';
import type { FieldChange, ProvisionContext, Provisioner } from '../engine/types.js';

export interface FunctionDesired {
  name: string;
  arn: string;
  roleArn: string;
  runtime: string;
  handler: string;
  timeout: number;
  memory: number;
  environment: Record<string, string>;
  zip: Buffer;
  codeSha256: string;
  description: string;
  tags: Record<string, string>;
}

export interface FunctionObserved {
  codeSha256: string;
  settings: Record<string, unknown>;
  tags: Record<string, string>;
}

/**
 * Waits until the function is Active (after a create) or its last update Successful. Polls
 * often at first, since a change settles in about half a second on an emulator and a few on AWS
 * (the SDK's waiters back off with jitter and overshoot by as much again), then every 2 s.
 */
async function settled(ctx: ProvisionContext, name: string, what: 'State' | 'LastUpdateStatus'): Promise<void> {
  const lambda = ctx.aws.client(LambdaClient);
  const base = ctx.aws.target.endpointUrl ? 50 : 250;
  const deadline = Date.now() + 300_000;
  for (let attempt = 1; ; attempt++) {
    const c = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    const state = what === 'State' ? c.State : c.LastUpdateStatus;
    if (state === undefined || state === 'Active' || state === 'Successful') return;
    if (state === 'Failed' || state === 'Inactive')
      throw new Error(
        `${name} is ${state}: ${(what === 'State' ? c.StateReason : c.LastUpdateStatusReason) ?? 'no reason given'}`,
      );
    if (Date.now() > deadline) throw new Error(`${name} still ${state} after 5 minutes`);
    await ctx.sleep(Math.min(base * 1.25 ** attempt, 2000));
  }
}
const settingsOf = (d: FunctionDesired): Record<string, unknown> => ({
  runtime: d.runtime,
  handler: d.handler,
  role: d.roleArn,
  timeout: d.timeout,
  memory: d.memory,
  environment: d.environment,
});

/** The settings CreateFunction and UpdateFunctionConfiguration share. */
const configuration = (d: FunctionDesired) => ({
  FunctionName: d.name,
  Runtime: d.runtime as Runtime,
  Handler: d.handler,
  Role: d.roleArn,
  Timeout: d.timeout,
  MemorySize: d.memory,
  Environment: { Variables: d.environment },
});

/** Retries `call` while AWS says the role cannot be assumed yet or another update is running. */
function withRetries<T>(ctx: ProvisionContext, what: string, call: () => Promise<T>): Promise<T> {
  return retrying(
    ctx,
    call,
    (err) => {
      if (isAwsError(err, 'InvalidParameterValueException') && /role|assume/i.test((err as Error).message))
        return `role not assumable yet (IAM propagation), retrying ${what}`;
      if (
        isAwsError(err, 'ResourceConflictException', 'TooManyRequestsException') &&
        !/already exist/i.test((err as Error).message)
      )
        return `function busy, retrying ${what}`;
      return undefined;
    },
    12,
  );
}

/**
 * GetFunction returns `Tags` only to a caller allowed lambda:ListTags (the Lambda API reference,
 * GetFunction); without it the field is absent, not empty. Asked explicitly, the tags either come
 * back or the refusal names the missing permission, instead of the function reading as untagged
 * (that is, "not managed by projet1").
 */
async function listTags(ctx: ProvisionContext, name: string, arn: string): Promise<Record<string, string>> {
  try {
    const res = await ctx.aws.client(LambdaClient).send(new ListTagsCommand({ Resource: arn }));
    return res.Tags ?? {};
  } catch (err) {
    if (!isAwsError(err, 'AccessDeniedException', 'AccessDenied')) throw err;
    throw new AccessDeniedError(
      `Cannot read the tags of Lambda function ${name}: the credentials in use lack lambda:ListTags, which projet1 needs to tell its functions from others.`,
      'Allow lambda:ListTags on the stack\'s functions (README.md "Permissions"), then run the command again.',
      err,
    );
  }
}

export const lambdaFunction: Provisioner<FunctionDesired, FunctionObserved> = {
  type: 'lambda-function',
  service: 'lambda',
  // The execution role decides what the code may do.
  securityFields: ['role'],

  async observe(ctx, d) {
    const res = await unless(
      ctx.aws.client(LambdaClient).send(new GetFunctionCommand({ FunctionName: d.name })),
      'ResourceNotFoundException',
    );
    const c = res?.Configuration;
    if (!c) return undefined;
    return {
      codeSha256: c.CodeSha256 ?? '',
      settings: {
        runtime: c.Runtime,
        handler: c.Handler,
        role: c.Role,
        timeout: c.Timeout,
        memory: c.MemorySize,
        environment: c.Environment?.Variables ?? {},
      },
      tags: res.Tags ?? (await listTags(ctx, d.name, c.FunctionArn ?? d.arn)),
    };
  },

  tags: (o) => o.tags,

  diff(d, o) {
    const changes: FieldChange[] = [];
    if (o.codeSha256 !== d.codeSha256) changes.push({ field: 'code', from: o.codeSha256, to: d.codeSha256 });
    const want = settingsOf(d);
    for (const [key, value] of Object.entries(want)) {
      if (canonicalJson(o.settings[key]) !== canonicalJson(value))
        changes.push({ field: key, from: o.settings[key] ?? null, to: value });
    }
    return [...changes, ...tagChanges(d.tags, o.tags)];
  },

  async create(ctx, d) {
    const lambda = ctx.aws.client(LambdaClient);
    const created = await withRetries(ctx, 'CreateFunction', () =>
      unless(
        lambda.send(
          new CreateFunctionCommand({
            ...configuration(d),
            Description: d.description,
            Code: { ZipFile: d.zip },
            Tags: d.tags,
            Publish: false,
          }),
        ),
        'ResourceConflictException',
      ),
    );
    ctx.note('waiting for the function to be Active');
    await settled(ctx, d.name, 'State');
    if (!created) {
      // Left by an interrupted run: bring it to the desired state.
      const observed = await this.observe(ctx, d);
      if (observed) await this.update(ctx, d, observed, this.diff(d, observed));
    }
  },

  async update(ctx, d, _o, changes) {
    const lambda = ctx.aws.client(LambdaClient);
    const fields = new Set(changes.map((c) => c.field));
    const settle = async (): Promise<void> => {
      ctx.note('waiting for the update to finish');
      await settled(ctx, d.name, 'LastUpdateStatus');
    };
    if (fields.has('code')) {
      await withRetries(ctx, 'UpdateFunctionCode', () =>
        lambda.send(new UpdateFunctionCodeCommand({ FunctionName: d.name, ZipFile: d.zip })),
      );
      await settle();
    }
    if (Object.keys(settingsOf(d)).some((k) => fields.has(k))) {
      await withRetries(ctx, 'UpdateFunctionConfiguration', () =>
        lambda.send(new UpdateFunctionConfigurationCommand(configuration(d))),
      );
      await settle();
    }
    if (fields.has('tags')) await lambda.send(new TagResourceCommand({ Resource: d.arn, Tags: d.tags }));
  },

  async delete(ctx, d) {
    await unless(
      ctx.aws.client(LambdaClient).send(new DeleteFunctionCommand({ FunctionName: d.name })),
      'ResourceNotFoundException',
    );
  },

  outputs: (d) => ({ name: d.name, arn: d.arn }),
};
