import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { SCHEMAS_DIR } from '../src/index.js';
import { FIXTURES, yamlFiles } from './helpers.js';

const schemaFiles = readdirSync(SCHEMAS_DIR).filter((f) => f.endsWith('.schema.json'));

describe('the shipped JSON Schemas', () => {
  it('cover every spec file kind', () => {
    expect(schemaFiles.sort()).toEqual(
      ['events', 'models', 'rest', 'services', 'specfirst', 'tasks'].map((k) => `${k}.schema.json`),
    );
  });

  it('compile under ajv strict mode, cross-file references included', () => {
    // strictRequired would reject the idiomatic `if/then: required` on keys declared by the parent.
    const ajv = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true });
    for (const file of schemaFiles)
      ajv.addSchema(
        JSON.parse(readFileSync(path.join(SCHEMAS_DIR, file), 'utf8')) as object,
        `https://example.test/${file}`,
      );
    for (const file of schemaFiles) expect(() => ajv.getSchema(`https://example.test/${file}`)).not.toThrow();
  });

  it('describe every key, so editors show hover text', () => {
    const undocumented: string[] = [];
    const visit = (node: unknown, where: string): void => {
      if (Array.isArray(node)) node.forEach((n, i) => visit(n, `${where}/${i}`));
      else if (node && typeof node === 'object') {
        const record = node as Record<string, unknown>;
        if (record.properties && typeof record.properties === 'object') {
          for (const [key, value] of Object.entries(record.properties as Record<string, Record<string, unknown>>)) {
            const documented =
              typeof value.description === 'string' ||
              typeof value.$ref === 'string' ||
              ['description', 'title', 'summary'].includes(key);
            if (!documented && !['type', 'examples', 'const', 'default', 'enum'].includes(key))
              undocumented.push(`${where}/properties/${key}`);
          }
        }
        for (const [key, value] of Object.entries(record)) visit(value, `${where}/${key}`);
      }
    };
    for (const file of ['specfirst.schema.json', 'services.schema.json', 'events.schema.json', 'tasks.schema.json']) {
      visit(JSON.parse(readFileSync(path.join(SCHEMAS_DIR, file), 'utf8')), file);
    }
    expect(undocumented).toEqual([]);
  });

  it('are what the fixtures point editors at with `# yaml-language-server: $schema=`', () => {
    const files = [...yamlFiles(path.join(FIXTURES, 'shop')), ...yamlFiles(path.join(FIXTURES, 'small'))];
    expect(files.length).toBeGreaterThan(8);
    for (const file of files) {
      const first = readFileSync(file, 'utf8').split('\n')[0] ?? '';
      const match = /^# yaml-language-server: \$schema=(.+)$/.exec(first);
      expect(match, `${file} starts with a $schema line`).not.toBeNull();
      const target = path.resolve(path.dirname(file), match![1]!);
      expect(path.dirname(target)).toBe(path.resolve(SCHEMAS_DIR));
      const kind = path.basename(file).replace(/\.ya?ml$/, '');
      const expected = path.dirname(file).endsWith('rest') ? 'rest' : kind;
      expect(path.basename(target)).toBe(`${expected}.schema.json`);
    }
  });
});

describe('name rules', () => {
  it('are the same in the JSON Schemas and in the loader', async () => {
    const { NAME_PATTERNS } = await import('../src/util/names.js');
    const read = (file: string): Record<string, unknown> =>
      JSON.parse(readFileSync(path.join(SCHEMAS_DIR, file), 'utf8')) as Record<string, unknown>;
    const at = (node: unknown, ...keys: string[]): unknown =>
      keys.reduce<unknown>((n, k) => (n as Record<string, unknown>)[k], node);
    expect(at(read('models.schema.json'), 'properties', 'models', 'propertyNames', 'pattern')).toBe(
      NAME_PATTERNS.model.source,
    );
    expect(at(read('services.schema.json'), 'properties', 'services', 'propertyNames', 'pattern')).toBe(
      NAME_PATTERNS.service.source,
    );
    expect(at(read('rest.schema.json'), 'properties', 'tags', 'propertyNames', 'pattern')).toBe(
      NAME_PATTERNS.tag.source,
    );
    expect(at(read('rest.schema.json'), '$defs', 'tag', 'properties', 'operations', 'propertyNames', 'pattern')).toBe(
      NAME_PATTERNS.operationId.source,
    );
    expect(at(read('events.schema.json'), 'properties', 'topics', 'propertyNames', 'pattern')).toBe(
      NAME_PATTERNS.topic.source,
    );
    expect(at(read('tasks.schema.json'), 'properties', 'tasks', 'propertyNames', 'pattern')).toBe(
      NAME_PATTERNS.task.source,
    );
  });
});

describe('the precompiled validators', () => {
  it('are in step with the schemas (run `pnpm --filter @specfirst/spec-core compile-schemas` after editing one)', async () => {
    // @ts-expect-error: a plain .mjs script without type declarations
    const { compileSchemas } = (await import('../scripts/compile-schemas.mjs')) as { compileSchemas: () => string };
    const committed = readFileSync(new URL('../src/generated/schema-validators.cjs', import.meta.url), 'utf8');
    expect(committed === compileSchemas()).toBe(true);
  });

  it('of the official OpenAPI schemas are in step with the package they come from (same command)', async () => {
    // @ts-expect-error: a plain .mjs script without type declarations
    const { compileOpenApiSchemas } = (await import('../scripts/compile-schemas.mjs')) as {
      compileOpenApiSchemas: () => Record<string, string>;
    };
    const compiled = compileOpenApiSchemas();
    expect(Object.keys(compiled).sort()).toEqual(['openapi30-validator.cjs', 'openapi31-validator.cjs']);
    for (const [file, code] of Object.entries(compiled))
      expect(readFileSync(new URL(`../src/generated/${file}`, import.meta.url), 'utf8') === code, file).toBe(true);
  });
});
