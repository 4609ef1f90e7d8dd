/**
 * JSON Schemas as the API reference page shows them: a one-line type (`User[]`, `string (email)`,
 * `"customer" | "admin"`) with links to models, and a table of an object's properties.
 */
import { html, joinHtml, type SafeHtml } from './html.js';
import { decodePointerSegment, record, text } from './openapi-view.js';

/** Deeper schemas are cut short: a page is for reading, and the document has the rest. */
const MAX_DEPTH = 4;
/** Enums longer than this show their first values and a count. */
const MAX_ENUM_VALUES = 12;
/** Inline objects with more properties show these and `…`; a body's table lists them all. */
const MAX_INLINE_PROPERTIES = 6;

/** The one-line type of a schema; `$ref`s to component schemas link to the model's anchor. */
export function schemaType(schema: unknown, models: ReadonlyMap<string, string>, depth = 0): SafeHtml {
  if (schema === true || schema === undefined) return html`<span class="type">any</span>`;
  const s = record(schema);
  if (!s) return html`<span class="type">never</span>`;
  if (depth > MAX_DEPTH) return html`…`;
  const ref = text(s.$ref);
  if (ref !== undefined) return modelLink(ref, models);
  const nullable = s.nullable === true ? html` | <span class="type">null</span>` : '';
  if (Object.hasOwn(s, 'const')) return html`<code>${json(s.const)}</code>${nullable}`;
  if (Array.isArray(s.enum)) {
    const values = s.enum.slice(0, MAX_ENUM_VALUES).map((v) => html`<code>${json(v)}</code>`);
    const more = s.enum.length > MAX_ENUM_VALUES ? html` | … (${s.enum.length} values)` : '';
    return html`${joinHtml(values, ' | ')}${more}${nullable}`;
  }
  for (const [keyword, separator] of [
    ['oneOf', ' | '],
    ['anyOf', ' | '],
    ['allOf', ' & '],
  ] as const) {
    const members = s[keyword];
    if (Array.isArray(members) && members.length > 0) {
      return html`${joinHtml(
        members.map((m) => schemaType(m, models, depth + 1)),
        separator,
      )}${nullable}`;
    }
  }
  const types = Array.isArray(s.type)
    ? s.type.flatMap((t) => text(t) ?? [])
    : text(s.type) !== undefined
      ? [text(s.type)!]
      : [];
  if (types.length === 0) types.push(s.properties !== undefined ? 'object' : s.items !== undefined ? 'array' : 'any');
  const format = text(s.format);
  const labels = types.map((type) => {
    if (type === 'array') {
      const items = schemaType(s.items, models, depth + 1);
      return isUnion(s.items) ? html`(${items})[]` : html`${items}[]`;
    }
    const values = record(s.additionalProperties);
    if (type === 'object' && s.properties === undefined && values)
      return html`<span class="type">map</span>&lt;string, ${schemaType(values, models, depth + 1)}&gt;`;
    // Only the outermost: nested shapes would make one line unreadable (the document has them).
    if (type === 'object' && depth === 0 && Object.keys(record(s.properties) ?? {}).length > 0)
      return inlineObject(s, models, depth);
    return html`<span class="type">${type}</span>${type !== 'null' && format !== undefined ? html` <span class="muted">(${format})</span>` : ''}`;
  });
  return html`${joinHtml(labels, ' | ')}${nullable}`;
}

/** An inline object as its shape, `{ user: User; count?: integer }`: responses are often such wrappers. */
function inlineObject(
  s: Readonly<Record<string, unknown>>,
  models: ReadonlyMap<string, string>,
  depth: number,
): SafeHtml {
  const required = new Set(Array.isArray(s.required) ? s.required.flatMap((r) => text(r) ?? []) : []);
  const entries = Object.entries(record(s.properties) ?? {});
  const shown = entries
    .slice(0, MAX_INLINE_PROPERTIES)
    .map(([name, value]) => html`${name}${required.has(name) ? '' : '?'}: ${schemaType(value, models, depth + 1)}`);
  return html`{ ${joinHtml(shown, '; ')}${entries.length > MAX_INLINE_PROPERTIES ? '; …' : ''} }`;
}

/** The table of an object schema's properties, or nothing when it declares none. */
export function propertiesTable(schema: unknown, models: ReadonlyMap<string, string>): SafeHtml | undefined {
  const s = record(schema);
  const properties = record(s?.properties);
  if (!s || !properties || Object.keys(properties).length === 0) return undefined;
  const required = new Set(Array.isArray(s.required) ? s.required.flatMap((r) => text(r) ?? []) : []);
  const rows = Object.entries(properties).map(([name, value]) => {
    const p = record(value) ?? {};
    const notes = [
      required.has(name) ? html`<span class="badge required">required</span>` : '',
      p.readOnly === true ? html`<span class="badge">read-only</span>` : '',
      p.writeOnly === true ? html`<span class="badge">write-only</span>` : '',
      p.deprecated === true ? html`<span class="badge">deprecated</span>` : '',
      Object.hasOwn(p, 'default') ? html`<span class="badge">default <code>${json(p.default)}</code></span>` : '',
    ];
    return html`<tr><td><code>${name}</code></td><td>${schemaType(value, models)}</td><td>${notes}</td><td class="text">${text(p.description)}</td></tr>`;
  });
  const extra = s.additionalProperties;
  const more =
    extra === undefined || extra === false
      ? ''
      : html`<tr><td class="muted">other names</td><td>${schemaType(extra, models)}</td><td></td><td class="muted">Properties not listed here are accepted.</td></tr>`;
  return html`<table class="properties"><thead><tr><th>Property</th><th>Type</th><th></th><th>Description</th></tr></thead><tbody>${rows}${more}</tbody></table>`;
}

/** Whether the one-line type of a schema has ` | ` or ` & ` at its top, and needs parentheses before `[]`. */
function isUnion(schema: unknown): boolean {
  const s = record(schema);
  if (!s || s.$ref !== undefined || Object.hasOwn(s, 'const')) return false;
  if (
    s.nullable === true ||
    (Array.isArray(s.enum) && s.enum.length > 1) ||
    (Array.isArray(s.type) && s.type.length > 1)
  )
    return true;
  return ['oneOf', 'anyOf', 'allOf'].some((k) => Array.isArray(s[k]) && (s[k] as unknown[]).length > 1);
}

function modelLink(ref: string, models: ReadonlyMap<string, string>): SafeHtml {
  const name = ref.startsWith('#/components/schemas/')
    ? decodePointerSegment(ref.slice('#/components/schemas/'.length))
    : ref;
  const anchor = models.get(name);
  return anchor === undefined ? html`<code>${name}</code>` : html`<a class="model" href="#${anchor}">${name}</a>`;
}

/** A JSON value as it would be written in the document (`"admin"`, `20`, `null`). */
function json(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
