// What an install with --omit=dev needs at run time is exactly the production dependencies: every
// package the sources import at run time (src/, handlers/, runtime/), even one the CLI bundle
// (dist/cli/, scripts/bundle-cli.mjs) already holds, so the sources run from an install as they are
// (a bundle left out, a tool importing src/, `dev` bundling handlers/ and runtime/). Nothing more.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
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

const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

/** The packages src/, handlers/ and runtime/ import at run time, with a file each. */
function sourceImports(): Map<string, string> {
  const files = ['src', 'handlers', 'runtime']
    .flatMap((dir) => readdirSync(join(PACKAGE_ROOT, dir), { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath, e.name));
  assert.ok(files.length >= 100, 'the scan reads src/, handlers/ and runtime/');
  return new Map(files.flatMap((file) => runtimeImports(file).map((name) => [name, relative(PACKAGE_ROOT, file)])));
}

/** The packages the bundled CLI leaves to the install (esbuild's metafile of dist/cli/, Node's own modules left out). */
async function cliExternals(): Promise<Map<string, string>> {
  const { build } = await import('esbuild');
  const dir = join(PACKAGE_ROOT, 'dist', 'cli');
  const chunks = readdirSync(dir).filter((f) => f.endsWith('.js'));
  assert.ok(chunks.includes('main.js'), 'dist/cli/ is built (npm run build)');
  const { metafile } = await build({
    entryPoints: chunks.map((f) => join(dir, f)),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    write: false,
    outdir: join(dir, 'rescan'),
    metafile: true,
    logLevel: 'silent',
  });
  const builtin = new Set(builtinModules);
  const found = new Map<string, string>();
  for (const [file, input] of Object.entries(metafile.inputs))
    for (const imp of input.imports)
      if (imp.external && !imp.path.startsWith('node:') && !builtin.has(imp.path)) {
        const name = packageOf(imp.path);
        if (name) found.set(name, file);
      }
  return found;
}

describe('the package', () => {
  it('lists every package src/, handlers/ and runtime/ import at run time as a production dependency', () => {
    const missing = [...sourceImports()]
      .filter(([name]) => !(name in pkg.dependencies))
      .map(([name, file]) => `${name} (${file})`);
    assert.deepEqual(missing, []);
  });

  it('the bundled CLI loads from the install only production dependencies', async () => {
    const missing = [...(await cliExternals())]
      .filter(([name]) => !(name in pkg.dependencies))
      .map(([name, file]) => `${name} (${file})`);
    assert.deepEqual(missing, [], 'bundle it (scripts/bundle-cli.mjs) or make it a production dependency');
  });

  it('has no production dependency that nothing loads at run time', async () => {
    const needed = new Set([...sourceImports().keys(), ...(await cliExternals()).keys()]);
    assert.deepEqual(
      Object.keys(pkg.dependencies).filter((name) => !needed.has(name)),
      [],
      'no source imports it: make it a devDependency',
    );
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
