/**
 * The /docs page: plain HTML, CSS and a small script that fetches the OpenAPI document and renders
 * every route with its parameters, body and responses. Served from our own routes (the CSP allows
 * only same-origin scripts); no CDN, no framework.
 */

export function docsHtml(base: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Autofactura API</title>
<link rel="stylesheet" href="${base}/docs.css">
</head>
<body>
<header><h1>Autofactura API</h1><p id="intro">Loading the API description…</p>
<p>Machine-readable: <a id="spec-link" href="${base}/openapi.json">openapi.json</a></p></header>
<nav id="toc"></nav>
<main id="routes" data-spec="${base}/openapi.json"></main>
<script src="${base}/docs.js"></script>
</body>
</html>
`;
}

export const DOCS_CSS = `
body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 1000px; padding: 1rem 2rem; color: #1f2937; }
h1 { margin-bottom: .2rem; } h2 { border-bottom: 2px solid #0f766e; padding-bottom: .2rem; margin-top: 2.5rem; }
section.op { border: 1px solid #d1d5db; border-radius: 6px; margin: 1rem 0; padding: .6rem 1rem; }
.method { display: inline-block; min-width: 4.2rem; font-weight: 700; text-transform: uppercase; }
.get { color: #1d4ed8; } .post { color: #15803d; } .patch, .put { color: #b45309; } .delete { color: #b91c1c; }
code, .path { font-family: ui-monospace, monospace; } .path { font-weight: 600; }
.roles { float: right; font-size: .85rem; color: #6b7280; }
table { border-collapse: collapse; margin: .3rem 0; } td, th { text-align: left; padding: .15rem .6rem .15rem 0; vertical-align: top; }
ul.schema { list-style: none; padding-left: 1.1rem; border-left: 1px dotted #9ca3af; margin: .2rem 0; }
.type { color: #7c3aed; font-family: ui-monospace, monospace; } .req { color: #b91c1c; font-size: .8rem; }
.desc { color: #4b5563; } details > summary { cursor: pointer; }
nav a { margin-right: 1rem; }
`;

export const DOCS_JS = `(() => {
  'use strict';
  const main = document.getElementById('routes');
  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    for (const c of children) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
    return node;
  };
  let components = {};
  const refName = (ref) => ref.split('/').pop();

  function typeOf(s) {
    if (!s) return 'any';
    if (s.$ref) return refName(s.$ref);
    if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
    if (s.const !== undefined) return JSON.stringify(s.const);
    if (s.anyOf || s.oneOf) return (s.anyOf || s.oneOf).map(typeOf).join(' | ');
    if (s.allOf) return s.allOf.map(typeOf).join(' & ');
    if (Array.isArray(s.type)) return s.type.join(' | ');
    if (s.type === 'array') return typeOf(s.items) + '[]';
    return s.format ? s.type + ' (' + s.format + ')' : s.type || 'any';
  }

  function constraints(s) {
    const out = [];
    for (const k of ['pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'minItems', 'maxItems', 'default']) {
      if (k === 'pattern' && s.format) continue; // the format says it better than a generated regex
      if (s[k] !== undefined) out.push(k + ': ' + JSON.stringify(s[k]));
    }
    return out.length ? ' [' + out.join(', ') + ']' : '';
  }

  function schemaTree(s, depth) {
    if (!s || depth > 6) return null;
    if (s.$ref) {
      const target = components[refName(s.$ref)];
      const d = el('details', {}, el('summary', {}, el('span', { class: 'type' }, refName(s.$ref))));
      d.addEventListener('toggle', () => {
        if (d.open && d.children.length === 1) d.append(schemaTree(target, depth + 1) || '');
      }, { once: false });
      return d;
    }
    if (s.allOf || s.anyOf || s.oneOf) {
      const parts = s.allOf || s.anyOf || s.oneOf;
      return el('div', {}, ...parts.map((p) => schemaTree(p, depth + 1)));
    }
    if (s.type === 'array' && s.items) return el('div', {}, 'array of ', schemaTree(s.items, depth + 1) || typeOf(s.items));
    if (!s.properties) return el('span', { class: 'type' }, typeOf(s) + constraints(s));
    const required = new Set(s.required || []);
    const list = el('ul', { class: 'schema' });
    for (const [name, prop] of Object.entries(s.properties)) {
      const nested = prop.properties || prop.$ref || (prop.items && (prop.items.properties || prop.items.$ref)) || prop.anyOf;
      list.append(el('li', {},
        el('code', {}, name), ' ', el('span', { class: 'type' }, typeOf(prop)), constraints(prop),
        required.has(name) ? el('span', { class: 'req' }, ' required') : null,
        prop.description ? el('span', { class: 'desc' }, ' — ' + prop.description) : null,
        nested ? schemaTree(prop, depth + 1) : null));
    }
    return list;
  }

  function operation(path, method, op) {
    const section = el('section', { class: 'op', id: op.operationId },
      el('span', { class: 'roles' }, op['x-roles'] ? 'roles: ' + op['x-roles'].join(', ') : 'public'),
      el('span', { class: 'method ' + method }, method), el('span', { class: 'path' }, path),
      el('p', {}, op.summary), op.description ? el('p', { class: 'desc' }, op.description) : null);
    if (op.parameters && op.parameters.length) {
      const table = el('table', {}, el('tr', {}, el('th', {}, 'Parameter'), el('th', {}, 'In'), el('th', {}, 'Type'), el('th', {}, '')));
      for (const p of op.parameters) {
        table.append(el('tr', {}, el('td', {}, el('code', {}, p.name), p.required ? el('span', { class: 'req' }, ' required') : null),
          el('td', {}, p.in), el('td', {}, el('span', { class: 'type' }, typeOf(p.schema) + constraints(p.schema || {}))),
          el('td', { class: 'desc' }, p.description || '')));
      }
      section.append(table);
    }
    if (op.requestBody) {
      for (const [type, media] of Object.entries(op.requestBody.content)) {
        section.append(el('h4', {}, 'Body (' + type + ')'), schemaTree(media.schema, 0));
      }
    }
    const responses = el('div', {}, el('h4', {}, 'Responses'));
    for (const [status, r] of Object.entries(op.responses)) {
      const media = r.content ? Object.entries(r.content)[0] : null;
      responses.append(el('div', {}, el('strong', {}, status), ' ', r.description,
        media ? el('span', { class: 'desc' }, ' (' + media[0] + ')') : null,
        media && media[1].schema ? schemaTree(media[1].schema, 0) : null));
    }
    section.append(responses);
    return section;
  }

  fetch(main.dataset.spec).then((r) => r.json()).then((spec) => {
    components = (spec.components && spec.components.schemas) || {};
    document.getElementById('intro').textContent = spec.info.description || '';
    const byTag = new Map();
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const tag = (op.tags && op.tags[0]) || 'Other';
        if (!byTag.has(tag)) byTag.set(tag, []);
        byTag.get(tag).push([path, method, op]);
      }
    }
    const toc = document.getElementById('toc');
    for (const [tag, ops] of byTag) {
      const id = 'tag-' + tag.replace(/\\W+/g, '-');
      toc.append(el('a', { href: '#' + id }, tag));
      main.append(el('h2', { id }, tag), ...ops.map(([p, m, o]) => operation(p, m, o)));
    }
    main.append(el('h2', { id: 'schemas' }, 'Schemas'));
    for (const [name, schema] of Object.entries(components)) {
      main.append(el('section', { class: 'op', id: 'schema-' + name }, el('strong', {}, name), schemaTree(schema, 0)));
    }
  }).catch((err) => { document.getElementById('intro').textContent = 'Could not load the API description: ' + err; });
})();
`;
