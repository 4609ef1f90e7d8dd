/**
 * The API reference page: one self-contained HTML document rendered from an OpenAPI document. No
 * script, font, image or stylesheet is fetched from anywhere (machines without internet access
 * must show it, and a page without scripts has nothing to inject into), and every string from the
 * document is escaped: spec text is untrusted.
 */
import { createHash } from 'node:crypto';
import { html, joinHtml, SafeHtml } from './html.js';
import {
  readApi,
  text,
  type ApiView,
  type MediaView,
  type OperationView,
  type SecurityAlternative,
  type TagView,
} from './openapi-view.js';
import { propertiesTable, schemaType } from './schema-html.js';

/** The page's only styling: one constant stylesheet, so the CSP can allow it by hash (no `'unsafe-inline'`). */
const STYLE = `
:root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--bg:#fff;--panel:#f6f8fa;--line:#d1d9e0;--link:#0969da}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--panel:#151b23;--line:#3d444d;--link:#4493f8}}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
code,.path,.type{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
a{color:var(--link);text-decoration:none}a:hover{text-decoration:underline}
.layout{display:grid;grid-template-columns:17rem minmax(0,1fr)}
nav{position:sticky;top:0;height:100vh;overflow:auto;padding:1rem;border-right:1px solid var(--line);background:var(--panel);font-size:13px}
nav ul{list-style:none;margin:.2rem 0 .6rem;padding-left:.6rem}nav li{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
nav .group{font-weight:600;margin-top:.6rem}
main{padding:1.5rem 2rem 4rem;max-width:64rem}
@media (max-width:50rem){.layout{display:block}nav{position:static;height:auto;border-right:0;border-bottom:1px solid var(--line)}main{padding:1rem}}
h1{margin:0;font-size:1.8rem}h2{margin:2.5rem 0 .5rem;padding-bottom:.3rem;border-bottom:1px solid var(--line)}
h3{margin:0;font-size:1rem}h4{margin:.9rem 0 .3rem;font-size:.8rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
.text{white-space:pre-wrap;overflow-wrap:anywhere}.muted{color:var(--muted)}
.op,.model-card{border:1px solid var(--line);border-radius:6px;padding:.8rem 1rem;margin:1rem 0}
.op h3{display:flex;flex-wrap:wrap;gap:.6rem;align-items:baseline}.op .summary{font-weight:400}
.method{display:inline-block;min-width:4.4rem;padding:0 .4rem;border-radius:4px;text-align:center;font:600 12px/1.6 ui-monospace,monospace;text-transform:uppercase;color:#fff;background:#6e7781}
.get{background:#1a7f37}.post{background:#0969da}.put{background:#9a6700}.patch{background:#8250df}.delete{background:#cf222e}
.deprecated .path{text-decoration:line-through}
.badge{display:inline-block;margin:0 .3rem .1rem 0;padding:0 .45rem;border:1px solid var(--line);border-radius:999px;font-size:12px;color:var(--muted);white-space:nowrap}
.badge.required{color:var(--fg)}
table{width:100%;margin:.3rem 0;border-collapse:collapse;font-size:14px}
th,td{padding:.3rem .5rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{font-weight:600;color:var(--muted)}
`;

/**
 * The Content-Security-Policy the page is sent with: nothing may load or run, except the one
 * stylesheet above, allowed by its hash. Spec text that slipped past escaping could not run.
 */
export const API_REFERENCE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface ApiReferenceOptions {
  /** Where the page links to the OpenAPI document (an absolute path such as `/api/openapi.json`); no link without it. */
  openapiHref?: string;
}

/** The complete HTML page for an OpenAPI 3.x document (anything else gives a near-empty page, never an error). */
export function renderApiReference(document: unknown, options: ApiReferenceOptions = {}): string {
  const api = readApi(document);
  // A path on this server only: never `//host/...` (nor `/\host/...`, which browsers read the
  // same way), which a browser would fetch from another host.
  const link =
    options.openapiHref !== undefined && /^\/(?![/\\])/.test(options.openapiHref) ? options.openapiHref : undefined;
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${api.title}${api.version === undefined ? '' : ` ${api.version}`} · API reference</title>
<style>${new SafeHtml(STYLE)}</style>
</head>
<body>
<div class="layout">
${navigation(api)}
<main>
<header>
<h1>${api.title}</h1>
<p>${api.version === undefined ? '' : html`<span class="badge">version ${api.version}</span>`}${api.servers.map((url) => html`<span class="badge">server <code>${url}</code></span>`)}${
    api.license === undefined ? '' : html`<span class="badge">license: ${api.license}</span>`
  }${api.contact === undefined ? '' : html`<span class="badge">contact: ${api.contact}</span>`}${link === undefined ? '' : html`<a class="badge" href="${link}">OpenAPI document</a>`}</p>
${api.description === undefined ? '' : html`<p class="text">${api.description}</p>`}
</header>
${securitySchemes(api)}
${api.tags.map((tag) => tagSection(tag, api))}
${models(api)}
</main>
</div>
</body>
</html>
`;
  return page.value;
}

function navigation(api: ApiView): SafeHtml {
  return html`<nav aria-label="Contents">
<div class="group">${api.title}</div>
${api.tags.map(
  (tag) => html`<div class="group"><a href="#${tag.anchor}">${tag.name}</a></div>
<ul>${tag.operations.map((op) => html`<li><a href="#${op.anchor}"><span class="type">${op.method.toUpperCase()}</span> ${op.path}</a></li>`)}</ul>`,
)}
${api.models.length === 0 ? '' : html`<div class="group"><a href="#models">Models</a></div><ul>${api.models.map((m) => html`<li><a href="#${m.anchor}">${m.name}</a></li>`)}</ul>`}
</nav>`;
}

function securitySchemes(api: ApiView): SafeHtml | '' {
  if (api.schemes.length === 0) return '';
  return html`<section id="authentication"><h2>Authentication</h2>
<table><thead><tr><th>Scheme</th><th>Credentials</th><th>Description</th></tr></thead><tbody>${api.schemes.map(
    (s) => html`<tr><td><code>${s.name}</code></td><td>${s.kind}</td><td class="text">${s.description}</td></tr>`,
  )}</tbody></table></section>`;
}

function tagSection(tag: TagView, api: ApiView): SafeHtml {
  return html`<section id="${tag.anchor}"><h2>${tag.name}</h2>
${tag.description === undefined ? '' : html`<p class="text">${tag.description}</p>`}
${tag.operations.map((op) => operation(op, api))}
</section>`;
}

function operation(op: OperationView, api: ApiView): SafeHtml {
  const models = api.modelAnchors;
  return html`<article class="op${op.deprecated ? ' deprecated' : ''}" id="${op.anchor}">
<h3><span class="method ${op.method}">${op.method}</span><span class="path">${op.path}</span>${op.summary === undefined ? '' : html`<span class="summary">${op.summary}</span>`}</h3>
<p>${op.operationId === undefined ? '' : html`<span class="badge">operationId <code>${op.operationId}</code></span>`}${op.deprecated ? html`<span class="badge">deprecated</span>` : ''}${security(op.security)}</p>
${op.description === undefined ? '' : html`<p class="text">${op.description}</p>`}
${
  op.parameters.length === 0
    ? ''
    : html`<h4>Parameters</h4><table><thead><tr><th>Name</th><th>In</th><th>Type</th><th></th><th>Description</th></tr></thead><tbody>${op.parameters.map(
        (p) =>
          html`<tr><td><code>${p.name}</code></td><td>${p.in}</td><td>${schemaType(p.schema, models)}</td><td>${p.required ? html`<span class="badge required">required</span>` : ''}${
            p.deprecated ? html`<span class="badge">deprecated</span>` : ''
          }</td><td class="text">${p.description}</td></tr>`,
      )}</tbody></table>`
}
${
  op.body === undefined
    ? ''
    : html`<h4>Request body</h4>
<p>${op.body.required ? html`<span class="badge required">required</span>` : html`<span class="badge">optional</span>`}</p>
${op.body.description === undefined ? '' : html`<p class="text">${op.body.description}</p>`}
${op.body.content.map((media) => html`<p><code>${media.contentType}</code>: ${schemaType(media.schema, models)}</p>${propertiesTable(media.schema, models)}`)}`
}
${
  op.responses.length === 0
    ? ''
    : html`<h4>Responses</h4><table><thead><tr><th>Status</th><th>Description</th><th>Body</th><th>Headers</th></tr></thead><tbody>${op.responses.map(
        (r) =>
          html`<tr><td><code>${r.status}</code></td><td class="text">${r.description}</td><td>${joinHtml(
            r.content.map((media) => mediaType(media, models)),
            html`<br>`,
          )}</td><td>${joinHtml(
            r.headers.map((h) => html`<code>${h.name}</code>${h.required ? ' (required)' : ''}`),
            html`<br>`,
          )}</td></tr>`,
      )}</tbody></table>`
}
</article>`;
}

function mediaType(media: MediaView, models: ReadonlyMap<string, string>): SafeHtml {
  return media.schema === undefined
    ? html`<code>${media.contentType}</code>`
    : html`${schemaType(media.schema, models)} <span class="muted">(${media.contentType})</span>`;
}

function security(alternatives: SecurityAlternative[] | undefined): SafeHtml | '' {
  if (alternatives === undefined) return '';
  if (alternatives.length === 0) return html`<span class="badge">public</span>`;
  const ways = alternatives.map((schemes) =>
    schemes.length === 0
      ? html`anonymous`
      : joinHtml(
          schemes.map(
            (s) =>
              html`<a href="#authentication"><code>${s.scheme}</code></a>${s.scopes.length > 0 ? html` (${s.scopes.join(', ')})` : ''}`,
          ),
          ' and ',
        ),
  );
  return html`<span class="badge">auth: ${joinHtml(ways, ' or ')}</span>`;
}

function models(api: ApiView): SafeHtml | '' {
  if (api.models.length === 0) return '';
  return html`<section id="models"><h2>Models</h2>
${api.models.map((model) => {
  const description = text(model.schema.description);
  const table = propertiesTable(model.schema, api.modelAnchors);
  return html`<article class="model-card" id="${model.anchor}"><h3>${model.name}</h3>
${description === undefined ? '' : html`<p class="text">${description}</p>`}
${table ?? html`<p>${schemaType(model.schema, api.modelAnchors)}</p>`}
</article>`;
})}
</section>`;
}
