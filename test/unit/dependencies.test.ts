// The package ships src/ (the handlers' code, bundled at `up` in the user's install) beside the
// bundled CLI: every package that src/ imports at run time must be a production dependency, or an
// install with --omit=dev holds code that names a package it does not have.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { PACKAGE_ROOT } from '../../src/paths.js';

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`; Node's own modules → undefined. */
const packageOf = (specifier: string): string | undefined => {
  if (specifier.startsWith('.') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
};

/** The packages a file needs when it runs: type-only imports are erased. */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const onlyTypes =
        clause?.isTypeOnly ||
        (clause &&
          !clause.name &&
          bindings &&
          ts.isNamedImports(bindings) &&
          bindings.elements.every((e) => e.isTypeOnly));
      if (!onlyTypes) found.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.flatMap((s) => packageOf(s) ?? []);
}

describe('the package', () => {
  it('lists every package src/ imports at run time as a production dependency', () => {
    const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const files = ['src', 'runtime']
      .flatMap((dir) => readdirSync(join(PACKAGE_ROOT, dir), { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
      .map((e) => join(e.parentPath, e.name));
    assert.ok(files.length > 50, 'the scan reads src/');
    const missing = files.flatMap((file) =>
      runtimeImports(file)
        .filter((name) => !(name in pkg.dependencies))
        .map((name) => `${name} (${relative(PACKAGE_ROOT, file)})`),
    );
    assert.deepEqual(missing, []);
  });
});

describe('install scripts', () => {
  it('every installed dependency with an install script is declared in allowScripts (no npm warning)', () => {
    const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
      allowScripts?: Record<string, boolean>;
    };
    const modules = join(PACKAGE_ROOT, 'node_modules');
    const names = readdirSync(modules).flatMap((n) =>
      n.startsWith('@') ? readdirSync(join(modules, n)).map((m) => `${n}/${m}`) : n.startsWith('.') ? [] : [n],
    );
    const withScripts = names.filter((n) => {
      try {
        const scripts = (
          JSON.parse(readFileSync(join(modules, n, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }
        ).scripts;
        return ['preinstall', 'install', 'postinstall'].some((s) => scripts?.[s] !== undefined);
      } catch {
        return false;
      }
    });
    assert.ok(withScripts.includes('esbuild'), 'esbuild has a postinstall script');
    assert.deepEqual(
      withScripts.filter((n) => pkg.allowScripts?.[n] === undefined),
      [],
      'declare them with `npm install-scripts approve <pkg>`',
    );
  });
});
