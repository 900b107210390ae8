// The token authorizer's answer (handlers/authorizer.ts): what a caller may invoke, by group, as an IAM
// policy API Gateway evaluates against each request's method ARN.

/**
 * What each group may call, as method globs under the stage: editors create and update, admins (and the
 * machine token) everything. The same answer for every route, so a result API Gateway caches for this
 * token and reuses on another route is still right there.
 */
export const GROUP_METHODS: Record<string, string[]> = { admins: ['*'], editors: ['POST', 'PUT'] };
/** arn:…:execute-api:region:account:api/stage/METHOD/path → arn:…:api/stage */
const stageArn = (methodArn: string): string => methodArn.split('/').slice(0, 2).join('/');

/**
 * Allow on the methods given, for every path of the stage (nothing allowed is an implicit deny: 403).
 * `actor` reaches the write handlers as requestContext.authorizer.actor (the audit trail's "who").
 */
export const policy = (methodArn: string, methods: string[], principalId: string, actor: string) => ({
  principalId,
  policyDocument: {
    Version: '2012-10-17',
    Statement:
      methods.length > 0
        ? [
            {
              Action: 'execute-api:Invoke',
              Effect: 'Allow',
              Resource: methods.map((m) => `${stageArn(methodArn)}/${m}/*`),
            },
          ]
        : [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: `${stageArn(methodArn)}/*` }],
  },
  context: { actor },
});

/** The method globs an account's groups allow (none: it may not write). */
export function methodsOf(groups: string[]): string[] {
  const methods = [...new Set(groups.flatMap((g) => GROUP_METHODS[g] ?? []))];
  return methods.includes('*') ? ['*'] : methods;
}
