// `projet1 permissions`: the IAM policies a caller needs for a scope. stdout holds only what can be
// saved and attached as it is: one document (`> policy.json`), a JSON array of documents when the
// scope is cut into several managed policies, or with --out-dir the files it wrote, one a line. The
// names, sizes and AWS CLI lines to attach them go to stderr. The account comes from --account-id,
// else from the current credentials (one STS call); nothing else is called.
import { join } from 'node:path';
import { arns } from '../../aws/arns.js';
import { MANAGED_POLICY_CHARACTERS } from '../../core/policy-packing.js';
import { writePolicyFiles } from '../../core/policy-files.js';
import { cliClients } from '../../core/session.js';
import {
  type NamedPolicy,
  type PolicyTarget,
  permissionsPolicies,
  policiesText,
  SCOPES,
  type Scope,
} from '../../core/permissions.js';
import { EXIT, UserError } from '../../errors.js';
import { partitionOf, resolveStackEnv } from '../../stack/stack-env.js';
import type { PERMISSIONS } from '../options.js';
import type { Handler } from '../spec.js';

/** A role's inline policies together (IAM and AWS STS quotas). */
const ROLE_INLINE_CHARACTERS = 10240;

function scopeOf(raw: string | undefined): Scope {
  const scope = SCOPES.find((s) => s === (raw ?? 'deploy'));
  if (scope) return scope;
  throw new UserError(`--scope must be one of ${SCOPES.join(', ')}, found "${raw ?? ''}".`, {
    exitCode: EXIT.usage,
    hint: 'deploy: up, down, deploy-website, restore and everything below; operate: status, logs, outputs, products, admin-token show, backups; read: plan, status, outputs, logs.',
  });
}

const n = (count: number): string => count.toLocaleString('en-US');

/** The sizes, and the AWS CLI lines that create and attach the policies (stderr: not part of the result). */
function attachText(policies: NamedPolicy[], target: PolicyTarget, outDir: string | undefined): string {
  const arn = arns({ ...target, region: '' });
  const width = Math.max(...policies.map((p) => p.name.length));
  const path = (p: NamedPolicy): string => (outDir ? join(outDir, p.file) : p.file);
  const total = policies.reduce((sum, p) => sum + p.characters, 0);
  const lines = [
    ...policies.map((p) => `  ${p.name.padEnd(width)}  ${n(p.characters).padStart(5)} characters  ${path(p)}`),
    outDir
      ? `Written to ${outDir}. Create and attach each to the role that runs projet1 (ROLE):`
      : `${policies.length > 1 ? 'stdout holds them as a JSON array, in this order; --out-dir DIR writes one file each. ' : ''}Create and attach ${policies.length > 1 ? 'each' : 'it'} to the role that runs projet1 (ROLE):`,
    ...policies.flatMap((p) => [
      `  aws iam create-policy --policy-name ${p.name} --policy-document file://${path(p)}`,
      `  aws iam attach-role-policy --role-name ROLE --policy-arn ${arn.policy(p.name)}`,
    ]),
    'Later: aws iam create-policy-version --policy-arn ARN --policy-document file://FILE --set-as-default (5 versions at most: delete the oldest first).',
  ];
  if (total <= ROLE_INLINE_CHARACTERS)
    lines.push(
      `Or inline: aws iam put-role-policy --role-name ROLE --policy-name NAME --policy-document file://FILE, one per file (a role's inline policies hold ${n(ROLE_INLINE_CHARACTERS)} characters together; these are ${n(total)}).`,
    );
  return lines.join('\n');
}

async function targetOf(
  opts: { accountId?: string | undefined },
  config: Parameters<typeof cliClients>[0],
): Promise<PolicyTarget> {
  if (opts.accountId !== undefined && !/^\d{12}$/.test(opts.accountId))
    throw new UserError(`--account-id must be 12 digits, found "${opts.accountId}".`, { exitCode: EXIT.usage });
  if (opts.accountId !== undefined) return { accountId: opts.accountId, partition: partitionOf(config.region) };
  const aws = cliClients(config);
  try {
    const env = await resolveStackEnv(aws);
    return { accountId: env.accountId, partition: env.partition };
  } finally {
    aws.destroy();
  }
}

export const permissions: Handler<'config', typeof PERMISSIONS> = async ({ loaded, io, opts }) => {
  const scope = scopeOf(opts.scope);
  if (opts.force === true && opts.outDir === undefined)
    throw new UserError('--force only applies with --out-dir (it lets the files there be replaced).', {
      exitCode: EXIT.usage,
      hint: 'projet1 permissions --out-dir iam --force',
    });
  const { config } = loaded;
  const target = await targetOf(opts, config);
  const policies = permissionsPolicies(config, target, scope);
  const written = opts.outDir ? writePolicyFiles(opts.outDir, scope, policies, opts.force === true) : undefined;
  const count = policies.length === 1 ? 'one managed policy' : `${policies.length} managed policies`;
  io.info(
    `IAM policy for \`${scope}\` on ${config.project}/${config.environment} in ${config.region}, account ${target.accountId}: ${count} (IAM takes ${n(MANAGED_POLICY_CHARACTERS)} characters in one):\n${attachText(policies, target, opts.outDir)}`,
  );
  for (const file of written?.stale ?? [])
    io.info(`${file} is not from this run (an earlier, differently cut policy?): remove it if you attach every file.`);
  const [only] = policies;
  io.result(
    {
      scope,
      accountId: target.accountId,
      // `policy` stays for one document (read, operate), as before the policies were cut.
      ...(policies.length === 1 && only ? { policy: only.document } : {}),
      policies: policies.map((p, i) => ({
        name: p.name,
        ...(written ? { file: written.files[i] } : {}),
        characters: p.characters,
        document: p.document,
      })),
    },
    written ? written.files.join('\n') : policiesText(policies),
  );
  return 0;
};
