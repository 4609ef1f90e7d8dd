import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, inject, it } from 'vitest';
import { PUBLISHED_ON_NPM } from '../packages/cli/src/init/versions.js';
import { ROOT, type PackedPackage } from '../scripts/lib/packages.mjs';

/**
 * What `pnpm publish -r` would put on the registry: each published package packed with pnpm, as a
 * user installs it. scripts/check-packages.mjs runs publint and attw on the same tarballs.
 */

const EVERY_PACKAGE = ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'];
const BUILD = ['dist/**/*.js', 'dist/**/*.d.ts'];

/**
 * What each tarball holds, as patterns (`*` within a folder, `**` across folders). Every file must
 * match a pattern, and every pattern but the optional ones must match a file.
 */
const EXPECTED: Record<string, { files: string[]; optional?: string[] }> = {
  '@specfirst/spec-core': {
    // The JSON Schemas are for editors; dist/ loads the precompiled validators from src/generated/.
    files: [
      ...EVERY_PACKAGE,
      ...BUILD,
      'schemas/*.schema.json',
      'src/generated/schema-validators.cjs',
      'src/generated/openapi30-validator.cjs',
      'src/generated/openapi31-validator.cjs',
    ],
  },
  '@specfirst/runtime': { files: [...EVERY_PACKAGE, ...BUILD] },
  '@specfirst/codegen': { files: [...EVERY_PACKAGE, ...BUILD] },
  'eslint-plugin-spec': {
    // legacy.cjs (with its types) is the entry `.eslintrc` loaders require(); docs/ holds the rule pages the README links to.
    files: [...EVERY_PACKAGE, ...BUILD, 'legacy.cjs', 'legacy.d.cts', 'docs/*.md', 'docs/rules/*.md'],
  },
  '@specfirst/cli': {
    // vendor/: every package a project needs, packed into the CLI's tarball for `specfirst init`
    // outside a checkout, until they are on the registry.
    files: [
      ...EVERY_PACKAGE,
      ...BUILD,
      'bin/specfirst.js',
      ...(PUBLISHED_ON_NPM ? [] : ['vendor/packages.json', 'vendor/*.tgz']),
    ],
  },
};

function globToRegExp(glob: string): RegExp {
  const parts = glob.split('/');
  const source = parts.map((part, i) => {
    const last = i === parts.length - 1;
    if (part === '**') return last ? '.+' : '(?:[^/]+/)*';
    return part.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*') + (last ? '' : '/');
  });
  return new RegExp(`^${source.join('')}$`);
}

/** Relative module specifiers and `new URL('…', import.meta.url)` paths a shipped file refers to. */
function relativeReferences(file: string, text: string): string[] {
  const kind = /\.d\.[cm]?ts$/.test(file) ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const found: string[] = [];
  const literal = (node: ts.Node | undefined): void => {
    if (node !== undefined && ts.isStringLiteralLike(node) && /^\.\.?\//.test(node.text)) found.push(node.text);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) literal(node.moduleSpecifier);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) literal(node.argument.literal);
    else if (ts.isExternalModuleReference(node)) literal(node.expression);
    else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    ) {
      literal(node.arguments[0]);
    } else if (
      ts.isNewExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'URL' &&
      node.arguments?.[1]?.getText(source) === 'import.meta.url'
    ) {
      literal(node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The shipped files a reference from `file` may resolve to: itself, or, from a declaration file, the declaration of a `.js`. */
function candidates(file: string, reference: string): string[] {
  const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), reference));
  if (!/\.d\.[cm]?ts$/.test(file)) return [target];
  return [
    target,
    target
      .replace(/\.js$/, '.d.ts')
      .replace(/\.cjs$/, '.d.cts')
      .replace(/\.mjs$/, '.d.mts'),
  ];
}

/** Every file path a package.json field points to: exports (all conditions), main, types, bin. */
function entryTargets(manifest: Record<string, unknown>): string[] {
  const targets: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') targets.push(value);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(manifest.exports);
  walk(manifest.main);
  walk(manifest.types);
  walk(manifest.bin);
  return targets.map((target) => path.posix.normalize(target));
}

// Packed once for the run, by global-setup.ts.
const packed = inject('packed');

function tarball(name: string): PackedPackage {
  const pkg = packed.find((p) => p.name === name);
  if (pkg === undefined) throw new Error(`${name} was not packed: is it still a workspace package, and not private?`);
  return pkg;
}

const shippedCode = (pkg: PackedPackage): string[] =>
  pkg.files.filter((f) => !f.startsWith('vendor/') && /\.(c|m)?js$|\.d\.(c|m)?ts$/.test(f));

describe('published packages', () => {
  it('are the five this test has an expectation for, and nothing private', () => {
    expect(packed.map((p) => p.name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('the file-list patterns mean what they say', () => {
    expect(globToRegExp('dist/**/*.js').test('dist/index.js')).toBe(true);
    expect(globToRegExp('dist/**/*.js').test('dist/emit/client.js')).toBe(true);
    expect(globToRegExp('dist/**/*.js').test('dist/index.js.map')).toBe(false);
    expect(globToRegExp('dist/**/*.d.ts').test('dist/.tsbuildinfo')).toBe(false);
    expect(globToRegExp('docs/*.md').test('docs/rules/valid-spec.md')).toBe(false);
    expect(globToRegExp('vendor/**').test('vendor/specfirst-runtime-0.1.0.tgz')).toBe(true);
    expect(globToRegExp('LICENSE').test('src/LICENSE')).toBe(false);
  });
});

describe.each(Object.keys(EXPECTED))('%s tarball', (name) => {
  it('carries the repository’s LICENSE, unchanged', () => {
    const pkg = tarball(name);
    expect(
      pkg.files,
      'no LICENSE in the tarball: pnpm pack copies the root LICENSE into packages without one',
    ).toContain('LICENSE');
    expect(readFileSync(path.join(pkg.root, 'LICENSE'), 'utf8')).toBe(readFileSync(path.join(ROOT, 'LICENSE'), 'utf8'));
    expect(pkg.manifest.license).toBe('MIT');
  });

  it('carries its CHANGELOG.md, with a section for the version it is', () => {
    const pkg = tarball(name);
    expect(pkg.files, 'no CHANGELOG.md in the tarball: list it in the package\'s "files"').toContain('CHANGELOG.md');
    const changelog = readFileSync(path.join(pkg.root, 'CHANGELOG.md'), 'utf8');
    expect(changelog).toBe(readFileSync(path.join(pkg.dir, 'CHANGELOG.md'), 'utf8'));
    expect(changelog.startsWith(`# ${name}\n`)).toBe(true);
    expect(
      changelog,
      `CHANGELOG.md has no "## ${pkg.version}" section: \`pnpm version -r\` writes it from the recorded changes (docs/releasing.md)`,
    ).toContain(`\n## ${pkg.version}\n`);
  });

  it('holds exactly the files its expectation lists', () => {
    const pkg = tarball(name);
    const { files, optional = [] } = EXPECTED[name]!;
    const patterns = [...files, ...optional].map(globToRegExp);
    const unexpected = pkg.files.filter((file) => !patterns.some((pattern) => pattern.test(file)));
    expect(
      unexpected,
      `files the tarball should not hold: fix "files" in ${path.relative(ROOT, pkg.dir)}/package.json`,
    ).toEqual([]);
    const unmatched = files.filter((glob) => !pkg.files.some((file) => globToRegExp(glob).test(file)));
    expect(unmatched, 'nothing in the tarball matches these (run `pnpm build` first)').toEqual([]);
  });

  it('ships no build output whose source is gone', () => {
    const pkg = tarball(name);
    const stale = pkg.files
      .filter((file) => file.startsWith('dist/'))
      .filter(
        (file) => !existsSync(path.join(pkg.dir, file.replace(/^dist\//, 'src/').replace(/\.d\.ts$|\.js$/, '.ts'))),
      );
    expect(stale, `stale files in dist/: run \`rm -rf ${path.relative(ROOT, pkg.dir)}/dist && pnpm build\``).toEqual(
      [],
    );
  });

  it('every relative import and file URL in its code resolves to a file it ships', () => {
    const pkg = tarball(name);
    const shipped = new Set(pkg.files);
    const broken: string[] = [];
    let references = 0;
    for (const file of shippedCode(pkg)) {
      for (const reference of relativeReferences(file, readFileSync(path.join(pkg.root, file), 'utf8'))) {
        references += 1;
        const targets = candidates(file, reference);
        const folder = targets[0]!.replace(/\/$/, '');
        const resolves = reference.endsWith('/')
          ? folder === '.' || pkg.files.some((f) => f.startsWith(`${folder}/`))
          : targets.some((t) => shipped.has(t));
        if (!resolves || targets[0]!.startsWith('..')) broken.push(`${file} → ${reference}`);
      }
    }
    expect(references).toBeGreaterThan(0);
    expect(broken).toEqual([]);
  });

  it('ships everything its exports, main, types and bin point to', () => {
    const pkg = tarball(name);
    const missing = entryTargets(pkg.manifest).filter((target) =>
      target.includes('*') ? !pkg.files.some((f) => globToRegExp(target).test(f)) : !pkg.files.includes(target),
    );
    expect(missing).toEqual([]);
  });

  it('depends on the other packages by version, and is published publicly', () => {
    const pkg = tarball(name);
    const dependencies = {
      ...(pkg.manifest.dependencies as Record<string, string> | undefined),
      ...(pkg.manifest.peerDependencies as Record<string, string> | undefined),
    };
    for (const [dependency, range] of Object.entries(dependencies)) {
      expect(range, `${dependency}`).not.toMatch(/^(workspace|link|file):/);
      const sibling = packed.find((p) => p.name === dependency);
      if (sibling !== undefined) expect(range, `${dependency} is released together with ${name}`).toBe(sibling.version);
    }
    if (name.startsWith('@'))
      expect(
        pkg.manifest.publishConfig,
        'a scoped package is private on the registry unless published with access public',
      ).toEqual({ access: 'public' });
  });
});
