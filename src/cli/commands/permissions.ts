// `projet1 permissions`: the IAM policy document a caller needs for a scope, on stdout alone, so it
// can be saved and attached as it is (`> policy.json`). The account comes from --account-id, else
// from the current credentials (one STS call); nothing else is called.
import { cliClients } from '../../core/session.js';
import { permissionsPolicy, SCOPES, type Scope } from '../../core/permissions.js';
import { EXIT, UserError } from '../../errors.js';
import { partitionOf, resolveStackEnv } from '../../stack/stack-env.js';
import type { PERMISSIONS } from '../options.js';
import type { Handler } from '../spec.js';

function scopeOf(raw: string | undefined): Scope {
  const scope = SCOPES.find((s) => s === (raw ?? 'deploy'));
  if (scope) return scope;
  throw new UserError(`--scope must be one of ${SCOPES.join(', ')}, found "${raw ?? ''}".`, {
    exitCode: EXIT.usage,
    hint: 'deploy: up, down, deploy-website, restore and everything below; operate: status, logs, outputs, products, admin-token show, backups; read: plan, status, outputs, logs.',
  });
}

export const permissions: Handler<'config', typeof PERMISSIONS> = async ({ loaded, io, opts }) => {
  const scope = scopeOf(opts.scope);
  const { config } = loaded;
  let target = { accountId: opts.accountId ?? '', partition: partitionOf(config.region) };
  if (opts.accountId !== undefined && !/^\d{12}$/.test(opts.accountId))
    throw new UserError(`--account-id must be 12 digits, found "${opts.accountId}".`, { exitCode: EXIT.usage });
  if (opts.accountId === undefined) {
    const aws = cliClients(config);
    try {
      const env = await resolveStackEnv(aws);
      target = { accountId: env.accountId, partition: env.partition };
    } finally {
      aws.destroy();
    }
  }
  const policy = permissionsPolicy(config, target, scope);
  io.info(
    `IAM policy for \`${scope}\` on ${config.project}/${config.environment} in ${config.region}, account ${target.accountId}.`,
  );
  io.result({ scope, accountId: target.accountId, policy }, JSON.stringify(policy, null, 2));
  return 0;
};
