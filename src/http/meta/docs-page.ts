/** A self-contained HTML page of the API, read off the OpenAPI document: no scripts, no CDN. */
import { createHash } from 'node:crypto';
import type { OpenApiDocument } from '../openapi';

/** The page's one style sheet, inline. */
const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}
code{font:13px ui-monospace,monospace}.m{font-weight:bold}pre{background:#f6f6f6;padding:.75rem;overflow:auto;font-size:12px}
section{border-top:1px solid #ccc;margin-top:1.5rem}
`;

/**
 * The page's Content-Security-Policy: nothing may load or run except its own style sheet, named by
 * its hash, so even a name that escaped escaping could not add a script, a style or a form.
 */
export const DOCS_PAGE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const METHOD_ORDER = ['get', 'post'];

export function renderDocsPage(document: OpenApiDocument): string {
  const rows: string[] = [];
  const sections: string[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const method of METHOD_ORDER) {
      const operation = methods[method] as
        | {
            operationId: string;
            summary: string;
            description: string;
            parameters?: { name: string; in: string; required: boolean; description?: string }[];
            requestBody?: unknown;
            responses: Record<string, { description: string }>;
          }
        | undefined;
      if (!operation) continue;
      const anchor = escape(operation.operationId);
      rows.push(
        `<tr><td><code class="m">${method.toUpperCase()}</code></td><td><a href="#${anchor}"><code>${escape(path)}</code></a></td><td>${escape(operation.summary)}</td><td>${escape(operation.description)}</td></tr>`,
      );
      const parameters = (operation.parameters ?? [])
        .map(
          (parameter) =>
            `<li><code>${escape(parameter.name)}</code> (${escape(parameter.in)}${parameter.required ? ', required' : ''})${parameter.description ? `: ${escape(parameter.description)}` : ''}</li>`,
        )
        .join('');
      const responses = Object.entries(operation.responses)
        .map(
          ([status, response]) =>
            `<li><code>${escape(status)}</code> ${escape(response.description)}</li>`,
        )
        .join('');
      sections.push(
        `<section id="${anchor}"><h3><code class="m">${method.toUpperCase()}</code> <code>${escape(path)}</code></h3>` +
          `<p>${escape(operation.summary)}. ${escape(operation.description)}</p>` +
          (parameters ? `<h4>Parameters</h4><ul>${parameters}</ul>` : '') +
          (operation.requestBody
            ? `<h4>Body</h4><pre>${escape(JSON.stringify(operation.requestBody, null, 2))}</pre>`
            : '') +
          `<h4>Responses</h4><ul>${responses}</ul></section>`,
      );
    }
  }
  const schemas = (document.components as { schemas?: Record<string, unknown> }).schemas ?? {};
  const schemaSections = Object.entries(schemas)
    .map(
      ([name, schema]) =>
        `<details id="schema-${escape(name)}"><summary><code>${escape(name)}</code></summary><pre>${escape(JSON.stringify(schema, null, 2))}</pre></details>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escape(document.info.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escape(document.info.title)} <small>${escape(document.info.version)}</small></h1>
<p>${escape(document.info.description)}</p>
<p>Machine-readable: <a href="/api/openapi.json"><code>/api/openapi.json</code></a> (OpenAPI ${escape(document.openapi)}).</p>
<h2>Operations</h2>
<table><thead><tr><th></th><th>Path</th><th>What</th><th>Who</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>
${sections.join('\n')}
<h2>Schemas</h2>
${schemaSections}
</body>
</html>
`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
