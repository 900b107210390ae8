// What runs in Lambda stays apart from what runs in the CLI, so that the folders show it and the
// package ships only the handlers' code: handlers/ and runtime/ import nothing from src/ (the CLI,
// the engine, the provisioners), src/ takes from runtime/ only the rules and clients it shares with
// the handlers, and runtime/ holds what the handlers bundle and nothing else.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { PACKAGE_ROOT } from '../../src/paths.js';

/**
 * The runtime modules the CLI may use: the product rules, the repository, the AWS client settings, CORS,
 * the origin header's name.
 */
const SHARED = [
  'runtime/api/cors.ts',
  'runtime/api/edge-header.ts',
  'runtime/aws/backoff.ts',
  'runtime/aws/clients.ts',
  'runtime/catalog/product.ts',
  // The audit trail's key rules: restore counts products apart from their history items.
  'runtime/catalog/history.ts',
  'runtime/catalog/repository.ts',
];

const sources = (dir: string): string[] =>
  readdirSync(join(PACKAGE_ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => relative(PACKAGE_ROOT, join(e.parentPath, e.name)))
    .sort();

/** The files a source names in its imports, type-only ones too, relative to the package root. */
function localImports(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(join(PACKAGE_ROOT, file), 'utf8'), true, true);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => relative(PACKAGE_ROOT, resolve(PACKAGE_ROOT, dirname(file), spec)).replace(/\.js$/, '.ts'));
}

describe('the Lambda runtime apart from the CLI', () => {
  it('handlers/ and runtime/ import nothing outside runtime/', () => {
    const files = [...sources('handlers'), ...sources('runtime')];
    assert.ok(files.length >= 10, 'the scan reads handlers/ and runtime/');
    const outside = files.flatMap((file) =>
      localImports(file)
        .filter((target) => !target.startsWith('runtime/'))
        .map((target) => `${file} imports ${target}`),
    );
    assert.deepEqual(outside, []);
  });

  it('src/ imports from runtime/ only the shared rules and clients', () => {
    const files = sources('src');
    assert.ok(files.length > 50, 'the scan reads src/');
    const lambdaOnly = files.flatMap((file) =>
      localImports(file)
        .filter((target) => target.startsWith('runtime/') && !SHARED.includes(target))
        .map((target) => `${file} imports ${target}`),
    );
    assert.deepEqual(lambdaOnly, [], 'Lambda-only code; move what the CLI needs into a shared module');
  });

  it('runtime/ holds what the handlers bundle and nothing else', () => {
    const manifest = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'dist', 'handlers', 'manifest.json'), 'utf8')) as {
      functions: Record<string, { sources: Record<string, string> }>;
    };
    const bundled = new Set(Object.values(manifest.functions).flatMap((f) => Object.keys(f.sources)));
    assert.deepEqual(
      sources('runtime'),
      [...bundled].filter((f) => f.startsWith('runtime/')).sort(),
      'a module no handler bundles belongs in src/',
    );
    assert.deepEqual(
      [...bundled].filter((f) => !f.startsWith('runtime/') && !f.startsWith('handlers/')),
      [],
    );
  });
});
