// What `projet1 permissions` writes, as a user saves it: stdout holds one document or an array of
// them (nothing else), --out-dir writes private files and never clobbers without --force, --json lists
// the policies with their names and sizes, stderr says how to attach them. No AWS call is made
// (--account-id), so no emulator is started; permissions.test.ts proves the documents under IAM.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { PolicyDocument } from '../../src/core/permissions.js';
import { cleanEnv, projectDir, runCli, type CliResult } from '../helpers/cli.js';

const ACCOUNT = ['--account-id', '123456789012'];
const dir = projectDir({ project: 'shop', environment: 'prod', region: 'eu-west-3' });
const cli = (args: string[]): Promise<CliResult> =>
  runCli(['permissions', ...ACCOUNT, ...args], { cwd: dir, env: cleanEnv() });
const FILES = ['deploy-data.json', 'deploy-compute.json', 'deploy-edge.json'];
const NAMES = FILES.map((f) => `projet1-shop-prod-euw3-${f.replace('.json', '')}`);

interface Listed {
  name: string;
  file?: string;
  characters: number;
  document: PolicyDocument;
}

describe('projet1 permissions: stdout, files and envelope', () => {
  it('one document for operate (as before), an array of three for deploy; --json lists them by name', async () => {
    const operate = await cli(['--scope', 'operate']);
    assert.equal(operate.code, 0, operate.stderr);
    const doc = JSON.parse(operate.stdout) as PolicyDocument;
    assert.equal(doc.Version, '2012-10-17');
    assert.ok(doc.Statement.every((s) => !s.Action.some((a) => /^dynamodb:(Create|Delete)Table$/.test(a))));
    const operateJson = (await cli(['--scope', 'operate', '--json'])).json<{ policy: unknown; policies: Listed[] }>();
    assert.deepEqual(Object.keys(operateJson), ['ok', 'command', 'scope', 'accountId', 'policy', 'policies']);
    assert.deepEqual(operateJson.policy, doc);
    assert.deepEqual(
      operateJson.policies.map((p) => p.name),
      ['projet1-shop-prod-euw3-operate'],
    );

    const deploy = await cli([]);
    assert.equal(deploy.code, 0, deploy.stderr);
    const docs = JSON.parse(deploy.stdout) as PolicyDocument[];
    assert.equal(docs.length, 3);
    const json = await cli(['--json']);
    assert.equal(json.stderr, '');
    const envelope = json.json<{ policies: Listed[] }>();
    assert.deepEqual(Object.keys(envelope), ['ok', 'command', 'scope', 'accountId', 'policies']);
    assert.deepEqual(
      envelope.policies.map((p) => p.document),
      docs,
    );
    assert.deepEqual(
      envelope.policies.map((p) => p.name),
      NAMES,
    );
    for (const p of envelope.policies) {
      assert.deepEqual(Object.keys(p), ['name', 'characters', 'document']);
      assert.equal(p.characters, JSON.stringify(p.document).replace(/\s/g, '').length);
      assert.ok(p.characters <= 6144, `${p.name}: ${p.characters}`);
    }
    // stderr: each name with its size, and how to create and attach it.
    for (const name of NAMES) {
      assert.match(deploy.stderr, new RegExp(`^  ${name} +[\\d,]+ characters`, 'm'));
      assert.match(deploy.stderr, new RegExp(`aws iam create-policy --policy-name ${name} --policy-document file://`));
      assert.match(deploy.stderr, new RegExp(`--policy-arn arn:aws:iam::123456789012:policy/${name}$`, 'm'));
    }
  });

  it('--out-dir writes one private file per policy and lists them; it never overwrites without --force', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'projet1-iam-')), 'iam');
    const first = await cli(['--out-dir', out]);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(
      first.stdout.trim().split('\n'),
      FILES.map((f) => join(out, f)),
    );
    assert.deepEqual(readdirSync(out).sort(), [...FILES].sort());
    assert.equal(statSync(out).mode & 0o777, 0o700);
    const docs = JSON.parse((await cli([])).stdout) as PolicyDocument[];
    FILES.forEach((f, i) => {
      assert.equal(statSync(join(out, f)).mode & 0o777, 0o600, f);
      assert.deepEqual(JSON.parse(readFileSync(join(out, f), 'utf8')), docs[i]);
    });
    const listed = (await cli(['--out-dir', out, '--force', '--json'])).json<{ policies: Listed[] }>();
    assert.deepEqual(
      listed.policies.map((p) => p.file),
      FILES.map((f) => join(out, f)),
    );

    // An edited file, and one from an earlier cut: refused as a whole without --force, nothing written.
    const edge = join(out, 'deploy-edge.json');
    writeFileSync(edge, 'mine');
    chmodSync(edge, 0o644);
    writeFileSync(join(out, 'deploy-old.json'), '{}');
    const refused = await cli(['--out-dir', out]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.equal(refused.stdout, '');
    assert.match(
      refused.stderr,
      /^Error: .*deploy-data\.json, .*deploy-edge\.json already exist; nothing was written\./m,
    );
    assert.match(refused.stderr, /--force/);
    assert.equal(readFileSync(edge, 'utf8'), 'mine');

    const forced = await cli(['--out-dir', out, '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.deepEqual(JSON.parse(readFileSync(edge, 'utf8')), docs[2]);
    assert.equal(statSync(edge).mode & 0o777, 0o600);
    assert.match(forced.stderr, /deploy-old\.json is not from this run/);
    assert.deepEqual(readdirSync(out).sort(), [...FILES, 'deploy-old.json'].sort());

    const onFile = await cli(['--out-dir', edge]);
    assert.equal(onFile.code, 2, onFile.stderr);
    assert.match(onFile.stderr, /^Error: --out-dir .* is a file, not a folder\./m);
  });

  it('a wrong scope or account, or --force without --out-dir, is a usage error with nothing on stdout', async () => {
    for (const args of [
      ['--scope', 'admin'],
      ['--account-id', '12345'],
      ['--account-id', '123456789012', '--force'],
    ]) {
      const bad = await runCli(['permissions', ...args], { cwd: dir, env: cleanEnv() });
      assert.equal(bad.code, 2, bad.stderr);
      assert.equal(bad.stdout, '');
      assert.match(bad.stderr, /^Error: --(scope|account-id) must be|^Error: --force only applies with --out-dir/);
    }
  });
});
