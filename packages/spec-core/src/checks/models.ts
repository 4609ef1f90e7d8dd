/**
 * The model registry: collects declared models from every source (models.yaml, OpenAPI
 * components), resolves references by name, rejects impossible cycles, and derives the
 * `Create`/`Update` variants.
 */
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { compareStrings } from '../diagnostics/diagnostics.js';
import type { IRLocation, IRModel, IRProperty, IRRefSchema, IRSchema, IRSchemaBase, IRUnionSchema } from '../ir/ir.js';
import { walkSchema } from '../ir/walk.js';
import { diagnosticAtLoc, relatedAt } from '../diagnostics/location.js';
import { firstFreeName, RESERVED_TYPE_NAMES } from '../util/names.js';
import { didYouMean } from '../diagnostics/suggest.js';

const UNRESOLVED: IRLocation = { file: '', pointer: '', line: 0, column: 0 };

export const VARIANT_SUFFIXES = { create: 'Create', update: 'Update' } as const;

export class ModelRegistry {
  private readonly declared = new Map<string, IRModel>();
  private readonly refs: IRRefSchema[] = [];
  /** Set when a file of models could not be read: "unknown model" would then be noise. */
  private incomplete = false;

  markIncomplete(): void {
    this.incomplete = true;
  }

  /** A reference to model `name`; its target is filled in by {@link finish}. */
  ref(name: string, base: IRSchemaBase): IRRefSchema {
    const node: IRRefSchema = { ...base, kind: 'ref', model: name, target: UNRESOLVED };
    this.refs.push(node);
    return node;
  }

  declare(model: IRModel, diagnostics: Diagnostic[]): void {
    const existing = this.declared.get(model.name);
    // The same definition reached twice (one OpenAPI document shared by two services) is one model.
    if (existing && existing.loc.file === model.loc.file && existing.loc.pointer === model.loc.pointer) return;
    if (existing) {
      diagnostics.push(
        diagnosticAtLoc(model.loc, {
          code: 'SF2004',
          message: `model \`${model.name}\` is defined twice`,
          hint: 'rename one of them; model names are shared by the whole project',
          related: [relatedAt(existing.loc, 'first defined here')],
        }),
      );
      return;
    }
    this.declared.set(model.name, model);
  }

  has(name: string): boolean {
    return this.declared.has(name) || this.variantBase(name) !== undefined;
  }

  get(name: string): IRModel | undefined {
    return this.declared.get(name);
  }

  /** All names a reference may use: declared models and their variants. */
  allNames(): string[] {
    const names: string[] = [];
    for (const name of this.declared.keys())
      names.push(name, name + VARIANT_SUFFIXES.create, name + VARIANT_SUFFIXES.update);
    return names;
  }

  private variantBase(name: string): string | undefined {
    for (const suffix of Object.values(VARIANT_SUFFIXES)) {
      if (name.endsWith(suffix) && this.declared.has(name.slice(0, -suffix.length)))
        return name.slice(0, -suffix.length);
    }
    return undefined;
  }

  /** Reports unknown references at the place they are used, with a suggestion. */
  checkReference(name: string, loc: IRLocation, diagnostics: Diagnostic[], what = 'model'): boolean {
    if (this.has(name)) return true;
    if (this.incomplete) return false;
    diagnostics.push(
      diagnosticAtLoc(loc, {
        code: 'SF2001',
        message: `unknown ${what} \`${name}\``,
        hint: didYouMean(name, this.allNames(), 'model'),
      }),
    );
    return false;
  }

  /** Resolves references, checks names and cycles, and returns every model with its variants, sorted. */
  finish(diagnostics: Diagnostic[]): IRModel[] {
    this.checkNames(diagnostics);
    for (const ref of this.refs) {
      if (this.checkReference(ref.model, ref.loc, diagnostics)) ref.target = this.targetLoc(ref.model);
    }
    this.checkCycles(diagnostics);
    this.checkDiscriminators(diagnostics);

    const affected = this.modelsWhoseVariantsDiffer();
    const models: IRModel[] = [];
    for (const model of this.declared.values()) {
      models.push(model);
      for (const variant of ['create', 'update'] as const) {
        models.push({
          name: model.name + VARIANT_SUFFIXES[variant],
          identifier: model.identifier + VARIANT_SUFFIXES[variant],
          variant,
          variantOf: model.name,
          schema: this.deriveVariant(model.schema, variant, true, affected, storesDefaults(model)),
          ...(model.description !== undefined ? { description: model.description } : {}),
          ...(model.fromService !== undefined ? { fromService: model.fromService } : {}),
          loc: model.loc,
        });
      }
    }
    return models.sort((a, b) => compareStrings(a.name, b.name));
  }

  private targetLoc(name: string): IRLocation {
    const model = this.declared.get(name) ?? this.declared.get(this.variantBase(name) ?? '');
    return model ? model.loc : UNRESOLVED;
  }

  private checkNames(diagnostics: Diagnostic[]): void {
    const byIdentifier = new Map<string, IRModel>();
    this.nameImported(byIdentifier);
    // A model named like another's variant is reported once, as SF2003, not again as a type clash.
    const clashing = new Set([...this.declared.keys()].filter((name) => this.variantBase(name) !== undefined));
    for (const model of this.declared.values()) {
      const base = this.variantBase(model.name);
      if (base !== undefined) {
        diagnostics.push(
          diagnosticAtLoc(model.loc, {
            code: 'SF2003',
            message: `model \`${model.name}\` clashes with the generated variant of \`${base}\``,
            hint: `every model X gets XCreate and XUpdate; rename \`${model.name}\` (or use the generated \`${model.name}\` directly)`,
            related: [relatedAt(this.declared.get(base)!.loc, `\`${base}\` is defined here`)],
          }),
        );
      }
      if (model.fromService === undefined && RESERVED_TYPE_NAMES.has(model.name)) {
        diagnostics.push(
          diagnosticAtLoc(model.loc, {
            code: 'SF2005',
            message: `model name \`${model.name}\` would shadow the built-in TypeScript type of that name`,
            hint: `rename it, e.g. \`${model.name}Info\``,
          }),
        );
      }
      // Variants take type names too: `Foo` gives `FooCreate`, which another model may already be.
      if (clashing.has(model.name)) continue;
      if (model.fromService !== undefined) {
        // An imported document cannot always be edited: `user` and `User` both become `User`, so the
        // later one takes the first free `User2`, `User3`... (`ordered` puts exact names first).
        continue;
      }
      for (const identifier of [
        model.identifier,
        model.identifier + VARIANT_SUFFIXES.create,
        model.identifier + VARIANT_SUFFIXES.update,
      ]) {
        const other = byIdentifier.get(identifier);
        if (other && other !== model) {
          diagnostics.push(
            diagnosticAtLoc(model.loc, {
              code: 'SF2005',
              message: `models \`${other.name}\` and \`${model.name}\` both give the TypeScript type \`${identifier}\``,
              hint: 'rename one of them',
              related: [relatedAt(other.loc, `\`${other.name}\` is defined here`)],
            }),
          );
          break;
        }
        byIdentifier.set(identifier, model);
      }
    }
  }

  /**
   * Identifiers of imported (OpenAPI) models, made unique. Models whose name already is their
   * identifier keep it; the others, in source order, take the first free numbered form.
   */
  private nameImported(byIdentifier: Map<string, IRModel>): void {
    const imported = [...this.declared.values()].filter((m) => m.fromService !== undefined);
    const ordered = [
      ...imported.filter((m) => m.name === m.identifier),
      ...imported.filter((m) => m.name !== m.identifier),
    ];
    const taken = (id: string) =>
      [id, id + VARIANT_SUFFIXES.create, id + VARIANT_SUFFIXES.update].some(
        (t) => byIdentifier.has(t) || (this.declared.has(t) && this.declared.get(t)!.fromService === undefined),
      );
    for (const model of ordered) {
      model.identifier = firstFreeName(model.identifier, taken);
      for (const id of [
        model.identifier,
        model.identifier + VARIANT_SUFFIXES.create,
        model.identifier + VARIANT_SUFFIXES.update,
      ])
        byIdentifier.set(id, model);
    }
  }

  /**
   * A model that is only another name for itself (`A: $ref B`, `B: $ref A`, or the same through
   * allOf/oneOf/anyOf) has no finite type. Recursion through properties or items is fine.
   */
  private checkCycles(diagnostics: Diagnostic[]): void {
    const edges = new Map<string, string[]>();
    for (const [name, model] of this.declared)
      edges.set(
        name,
        topLevelRefs(model.schema).map((r) => this.variantBase(r) ?? r),
      );
    const state = new Map<string, 'visiting' | 'done'>();
    const reported = new Set<string>();
    const visit = (name: string, path: string[]): void => {
      if (state.get(name) === 'done') return;
      if (state.get(name) === 'visiting') {
        const cycle = path.slice(path.indexOf(name));
        const first = [...cycle].sort()[0]!;
        if (!reported.has(first)) {
          reported.add(first);
          const model = this.declared.get(first)!;
          diagnostics.push(
            diagnosticAtLoc(model.loc, {
              code: 'SF2002',
              message: `models refer to each other in a cycle without an object in between: ${[...cycle, name].join(' → ')}`,
              hint: 'one of them must be an object whose property refers to the next; a model cannot be only another name for itself',
            }),
          );
        }
        return;
      }
      state.set(name, 'visiting');
      for (const next of edges.get(name) ?? []) if (this.declared.has(next)) visit(next, [...path, name]);
      state.set(name, 'done');
    };
    for (const name of [...this.declared.keys()].sort()) visit(name, []);
  }

  /**
   * A discriminated union must name its members (refs to models), map only to those members,
   * and each member must have the discriminator as a required property — otherwise no value
   * can be told apart and generated code cannot narrow it.
   */
  private checkDiscriminators(diagnostics: Diagnostic[]): void {
    for (const model of this.declared.values()) {
      const check = (schema: IRUnionSchema): void => {
        if (!schema.discriminator) return;
        const { propertyName, mapping } = schema.discriminator;
        const members = schema.variants.filter((v): v is IRRefSchema => v.kind === 'ref').map((v) => v.model);
        if (members.length !== schema.variants.length) {
          diagnostics.push(
            diagnosticAtLoc(schema.loc, {
              code: 'SF2007',
              message: `a discriminated \`${schema.kind}\` must list named models only`,
              hint: 'move each inline member into a model and refer to it by name',
            }),
          );
          return;
        }
        for (const entry of mapping) {
          if (!this.has(entry.model)) {
            this.checkReference(entry.model, schema.loc, diagnostics);
            continue;
          }
          if (!members.includes(entry.model)) {
            diagnostics.push(
              diagnosticAtLoc(schema.loc, {
                code: 'SF2007',
                message: `discriminator value \`${entry.value}\` maps to \`${entry.model}\`, which is not a member of the union`,
                hint: `members: ${members.map((m) => `\`${m}\``).join(', ')}`,
              }),
            );
          }
        }
        for (const member of members) {
          const target = this.declared.get(member);
          if (!target) continue; // unknown models are reported already
          const property = findProperty(target.schema, propertyName, this.declared);
          if (!property || !property.required) {
            diagnostics.push(
              diagnosticAtLoc(target.loc, {
                code: 'SF2007',
                message: `\`${member}\` is a member of a union discriminated by \`${propertyName}\`, but has ${property ? 'it only as an optional property' : 'no such property'}`,
                hint: `add a required \`${propertyName}\` (e.g. \`${propertyName}: { const: ${mapping.find((m) => m.model === member)?.value ?? member} }\`)`,
              }),
            );
          }
        }
      };
      walkSchema(model.schema, { oneOf: check, anyOf: check });
    }
  }

  /**
   * Models whose variants differ from the model: they (or a model they embed) have readonly
   * properties, or (in our format) properties that are required only because their default is stored.
   */
  private modelsWhoseVariantsDiffer(): Set<string> {
    const direct = new Map<string, { readonly: boolean; refs: string[] }>();
    for (const [name, model] of this.declared) direct.set(name, scanReadonly(model.schema, storesDefaults(model)));
    const affected = new Set<string>();
    let changed = true;
    while (changed) {
      changed = false;
      for (const [name, info] of direct) {
        if (affected.has(name)) continue;
        if (info.readonly || info.refs.some((r) => affected.has(r))) {
          affected.add(name);
          changed = true;
        }
      }
    }
    return affected;
  }

  /**
   * `Create`: readonly properties removed everywhere; references to affected models point at
   * their `Create` variant. `Update`: the same, and the model's own properties become optional
   * (at the top level and through allOf) — nested objects and union members are replaced whole.
   * With `storedDefaults` (our format), a property with a `default` is optional in both, at any
   * depth: the server fills it in, while the model itself always has it.
   */
  private deriveVariant(
    schema: IRSchema,
    variant: 'create' | 'update',
    top: boolean,
    affected: Set<string>,
    storedDefaults: boolean,
  ): IRSchema {
    const derive = (inner: IRSchema, innerTop: boolean): IRSchema =>
      this.deriveVariant(inner, variant, innerTop, affected, storedDefaults);
    switch (schema.kind) {
      case 'ref': {
        if (this.variantBase(schema.model) !== undefined) return schema;
        const suffix =
          variant === 'update' && top
            ? VARIANT_SUFFIXES.update
            : affected.has(schema.model)
              ? VARIANT_SUFFIXES.create
              : '';
        return suffix === '' ? schema : { ...schema, model: schema.model + suffix };
      }
      case 'object':
        return {
          ...schema,
          properties: schema.properties
            .filter((p) => !p.readonly)
            .map((p) => {
              const schema = derive(p.schema, false);
              if (variant === 'update' && top) {
                // A PATCH leaves absent fields as they are: applying `default` would reset them.
                const { default: _dropped, ...withoutDefault } = schema;
                return { ...p, required: false, schema: withoutDefault as IRSchema };
              }
              // The server fills a stored default in when a request leaves it out.
              if (storedDefaults && schema.default !== undefined) return { ...p, required: false, schema };
              return { ...p, schema };
            }),
          ...(typeof schema.additionalProperties === 'object'
            ? { additionalProperties: derive(schema.additionalProperties, false) }
            : {}),
        };
      case 'array':
        return { ...schema, items: derive(schema.items, false) };
      case 'allOf':
        return { ...schema, parts: schema.parts.map((p) => derive(p, top)) };
      case 'oneOf':
      case 'anyOf': {
        // A union member is replaced whole, never patched field by field: its discriminator
        // and required fields stay, so `Update` of a union is the union of the `Create` forms.
        const variants = schema.variants.map((v) => derive(v, false));
        if (!schema.discriminator) return { ...schema, variants };
        const renamed = new Map<string, string>();
        schema.variants.forEach((v, i) => {
          const derived = variants[i];
          if (v.kind === 'ref' && derived?.kind === 'ref') renamed.set(v.model, derived.model);
        });
        const mapping = schema.discriminator.mapping.map((m) => ({
          value: m.value,
          model: renamed.get(m.model) ?? m.model,
        }));
        return { ...schema, variants, discriminator: { ...schema.discriminator, mapping } };
      }
      default:
        return schema;
    }
  }
}

/** The property `name` of an object model, looking through allOf parts and model references. */
function findProperty(
  schema: IRSchema,
  name: string,
  models: ReadonlyMap<string, IRModel>,
  seen = new Set<string>(),
): IRProperty | undefined {
  switch (schema.kind) {
    case 'object':
      return schema.properties.find((p) => p.name === name);
    case 'allOf':
      for (const part of schema.parts) {
        const found = findProperty(part, name, models, seen);
        if (found) return found;
      }
      return undefined;
    case 'ref': {
      const target = models.get(schema.model);
      if (!target || seen.has(schema.model)) return undefined;
      seen.add(schema.model);
      return findProperty(target.schema, name, models, seen);
    }
    default:
      return undefined;
  }
}

/** The models `schema` is another name for: references outside any object or array. */
function topLevelRefs(schema: IRSchema): string[] {
  const refs: string[] = [];
  walkSchema(schema, { ref: (node) => void refs.push(node.model), object: () => 'skip', array: () => 'skip' });
  return refs;
}

/** Whether a model's variant differs from it by its own properties, and the models it refers to. */
function scanReadonly(schema: IRSchema, storedDefaults: boolean): { readonly: boolean; refs: string[] } {
  const result = { readonly: false, refs: [] as string[] };
  walkSchema(schema, {
    ref: (node) => void result.refs.push(node.model),
    object: (node) => {
      if (node.properties.some((p) => p.readonly || (storedDefaults && p.required && p.schema.default !== undefined)))
        result.readonly = true;
    },
  });
  return result;
}

/**
 * Our format's models store their defaults (required in the model, optional in its variants);
 * an imported OpenAPI model (`fromService`) keeps OpenAPI's `required`.
 */
function storesDefaults(model: IRModel): boolean {
  return model.fromService === undefined;
}
