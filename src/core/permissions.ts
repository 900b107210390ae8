// The IAM policy a caller of projet1 needs, built from the stack's own names and ARNs (the same
// helpers the stack uses), so it grants each action on this stack's resources only wherever AWS lets
// a policy name a resource. Each action belongs to the narrowest scope that uses it: `read` (plan,
// status, outputs, logs), `operate` (+ products, admin-token show, backups), `deploy` (+ up, down,
// deploy-website, restore, admin-token rotate). test/unit/permissions.test.ts checks that every AWS
// call in src/ is granted by `deploy`; test/integration/permissions.test.ts proves it under IAM.
import { grants, type PolicyTarget, type StackConfig } from './permission-grants.js';

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
