// The IAM policy a caller of projet1 needs, built from the stack's own names and ARNs (the same
// helpers the stack uses), so it grants each action on this stack's resources only wherever AWS lets
// a policy name a resource. Each action belongs to the narrowest scope that uses it: `read` (plan,
// status, outputs, logs), `operate` (+ products, admin-token show, backups), `deploy` (+ up, down,
// deploy-website, restore, admin-token rotate). test/unit/permissions.test.ts checks that every AWS
// call in src/ is granted by `deploy`; test/integration/permissions.test.ts proves it under IAM.
// A scope's statements are then cut into managed policies (`permissionsPolicies`) along fixed seams.
import { regionCode } from '../config/names.js';
import { grants, type PolicyTarget, type StackConfig } from './permission-grants.js';
import { MANAGED_POLICY_CHARACTERS, packStatements, policyCharacters } from './policy-packing.js';

export type { PolicyTarget, StackConfig } from './permission-grants.js';

export const SCOPES = ['read', 'operate', 'deploy'] as const;
export type Scope = (typeof SCOPES)[number];

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

const RANK: Record<Scope, number> = { read: 0, operate: 1, deploy: 2 };

/** The policy document for `scope`: each grant with the actions of that scope and the narrower ones. */
export function permissionsPolicy(config: StackConfig, target: PolicyTarget, scope: Scope): PolicyDocument {
  const statements: PolicyStatement[] = [];
  for (const g of grants(config, target)) {
    const actions = SCOPES.filter((s) => RANK[s] <= RANK[scope]).flatMap((s) => g.actions[s] ?? []);
    if (actions.length === 0) continue;
    const { actions: _, ...rest } = g;
    // Grants sharing a Sid (none with a condition) become one statement: the same permissions, since
    // each action applies to its own service's resources only, in fewer of a managed policy's 6,144 characters.
    const same = statements.find((s) => s.Sid === rest.Sid && !s.Condition && !rest.Condition);
    if (same) {
      same.Action = [...new Set([...same.Action, ...actions])].sort();
      same.Resource = [...[same.Resource].flat(), ...[rest.Resource].flat()];
      continue;
    }
    statements.push({
      Sid: rest.Sid,
      Effect: 'Allow',
      Action: [...new Set(actions)].sort(),
      Resource: rest.Resource,
      ...(rest.Condition ? { Condition: rest.Condition } : {}),
    });
  }
  return { Version: '2012-10-17', Statement: statements };
}

/**
 * Where a scope's statements are cut. Each statement belongs to a family of the stack: `data` (the
 * table and its backups), `compute` (functions, their roles, log groups, parameters, the REST API,
 * alarms), `edge` (buckets, CloudFront, WAF, domain, and the account-wide calls). A statement stays
 * in its family whatever else the configuration turns on, so a policy's name and content change only
 * with its own family: CI keeps attaching the same policies across configuration changes, and an
 * update never moves a grant from one policy to another (which, updated one after the other, would
 * briefly hold it in neither). Greedy packing would use fewer policies, but a WAF switched on would
 * push statements into the next policy and rename what holds them.
 */
export const FAMILIES = ['data', 'compute', 'edge'] as const;
export type Family = (typeof FAMILIES)[number];

const SID_FAMILY: Record<string, Family> = {
  Table: 'data',
  Replica: 'data',
  Failover: 'compute',
  Roles: 'compute',
  PassRoles: 'compute',
  Functions: 'compute',
  LogGroups: 'compute',
  Parameters: 'compute',
  Monitoring: 'compute',
  RestApi: 'compute',
  ApiKeys: 'compute',
  Users: 'data',
  Site: 'edge',
  NewDistribution: 'edge',
  OwnDistribution: 'edge',
  Waf: 'edge',
  CdnLogs: 'edge',
  Domain: 'edge',
  NoResourceTypes: 'edge',
};
/** A statement whose Sid is not listed above goes with the service of its first action. */
const SERVICE_FAMILY: Record<string, Family> = {
  dynamodb: 'data',
  iam: 'compute',
  lambda: 'compute',
  logs: 'compute',
  ssm: 'compute',
  secretsmanager: 'compute',
  apigateway: 'compute',
  cloudwatch: 'compute',
  sns: 'compute',
};

export const familyOf = (s: PolicyStatement): Family =>
  SID_FAMILY[s.Sid] ?? SERVICE_FAMILY[s.Action[0]?.split(':')[0] ?? ''] ?? 'edge';

/**
 * Whether a scope is cut by family even when it fits one managed policy. `deploy` is: it is at the
 * limit (6,142 of 6,144 characters for the default configuration when this was written), and every
 * optional feature or new grant adds to it, so its number of policies never depends on the configuration. `read` and `operate` stay one document
 * (about 5,000 characters with every feature on and the longest names: a unit test keeps it so),
 * and would be cut by family only if one ever grew past the limit.
 */
const CUT_BY_FAMILY: Record<Scope, boolean> = { read: false, operate: false, deploy: true };

export interface NamedPolicy {
  /** The managed policy's name: `projet1-<project>-<environment>-<region code>-<scope>[-<part>]`. */
  name: string;
  /** Its file under `--out-dir`: `<scope>[-<part>].json`. */
  file: string;
  document: PolicyDocument;
  /** As IAM counts them (at most 6,144 in a managed policy). */
  characters: number;
}

/**
 * The scope's policy as managed policies, each at most 6,144 characters: by family for `deploy`, one
 * document for the others; a part over the limit continues in `<part>-2`, `-3`… (statements in their
 * order, one too large alone cut along its actions or resources: see `splitStatement`). The region
 * is in the names because IAM is global and two regions of a stack name different ARNs.
 */
export function permissionsPolicies(config: StackConfig, target: PolicyTarget, scope: Scope): NamedPolicy[] {
  const whole = permissionsPolicy(config, target, scope);
  const statements = whole.Statement;
  const parts: [string, PolicyStatement[]][] =
    CUT_BY_FAMILY[scope] || policyCharacters(whole) > MANAGED_POLICY_CHARACTERS
      ? FAMILIES.map((f): [string, PolicyStatement[]] => [f, statements.filter((s) => familyOf(s) === f)])
      : [['', statements]];
  const base = `projet1-${config.project}-${config.environment}-${regionCode(config.region)}`;
  return parts.flatMap(([part, list]) =>
    packStatements(list).map((document, i) => {
      const suffix = [scope, part, i > 0 ? String(i + 1) : ''].filter(Boolean).join('-');
      return { name: `${base}-${suffix}`, file: `${suffix}.json`, document, characters: policyCharacters(document) };
    }),
  );
}

/** What `projet1 permissions` prints: the document, or the array of documents when there are several. */
export function policiesText(policies: NamedPolicy[]): string {
  const docs = policies.map((p) => p.document);
  return JSON.stringify(docs.length === 1 ? docs[0] : docs, null, 2);
}
