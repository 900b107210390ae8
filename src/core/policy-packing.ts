// Fitting statements into IAM policy documents of a bounded size. IAM counts a policy's characters
// without white space (IAM User Guide, "IAM and AWS STS quotas": a customer managed policy holds at most
// 6,144 of them). We count the compact JSON instead, white space inside strings included: the same
// number for our documents (no string holds a space), and never less than IAM's whichever way it
// treats such a space, so a document we call fitting is one IAM accepts.
import type { PolicyDocument, PolicyStatement } from './permissions.js';

/** A customer managed policy's largest document (IAM and AWS STS quotas). */
export const MANAGED_POLICY_CHARACTERS = 6144;

export const policyCharacters = (doc: PolicyDocument): number => JSON.stringify(doc).length;

const documentOf = (statements: PolicyStatement[]): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: statements,
});

const listLength = (list: string | string[]): number => [list].flat().join('","').length;

/**
 * A statement too large for a document of its own, as several with the same meaning: an Allow
 * grants each of its actions on each of its resources, so cutting the longer of the two lists into
 * runs (in their order) and repeating the other list, the Effect and the Condition in each part
 * grants exactly the same pairs. Parts are named `<Sid>Part1`, `<Sid>Part2`… (a Sid is unique in a
 * policy and holds only letters and digits).
 */
export function splitStatement(statement: PolicyStatement, limit: number): PolicyStatement[] {
  if (policyCharacters(documentOf([statement])) <= limit) return [statement];
  const resources = [statement.Resource].flat();
  const byAction = statement.Action.length > 1 && listLength(statement.Action) >= listLength(resources);
  const items = byAction ? statement.Action : resources;
  if (items.length < 2)
    throw new Error(`IAM statement ${statement.Sid} alone exceeds ${limit} characters and cannot be split`);
  const partOf = (list: string[], n: number): PolicyStatement =>
    byAction
      ? { ...statement, Sid: `${statement.Sid}Part${n}`, Action: list }
      : { ...statement, Sid: `${statement.Sid}Part${n}`, Resource: list };
  const parts: PolicyStatement[] = [];
  let run: string[] = [];
  for (const item of items) {
    const longer = [...run, item];
    if (run.length > 0 && policyCharacters(documentOf([partOf(longer, parts.length + 1)])) > limit) {
      parts.push(partOf(run, parts.length + 1));
      run = [item];
    } else run = longer;
  }
  parts.push(partOf(run, parts.length + 1));
  // A part over the limit holds one item of the split list: split it again along the other list.
  return parts.flatMap((p) => (policyCharacters(documentOf([p])) > limit ? splitStatement(p, limit) : [p]));
}

/**
 * Statements packed in their order into as few documents as that order allows, each at most `limit`
 * characters: a statement goes into the current document if it fits, else starts the next one. Never
 * reordered, so the same statements always give the same documents.
 */
export function packStatements(statements: PolicyStatement[], limit = MANAGED_POLICY_CHARACTERS): PolicyDocument[] {
  const docs: PolicyStatement[][] = [];
  for (const statement of statements.flatMap((s) => splitStatement(s, limit))) {
    const current = docs.at(-1);
    if (current && policyCharacters(documentOf([...current, statement])) <= limit) current.push(statement);
    else docs.push([statement]);
  }
  return docs.map(documentOf);
}
