/**
 * `GET /openapi.json` (the generated document) and `GET /docs` (a small self-contained page that renders
 * it: no CDN, no external script, so it works on a ministry intranet).
 */
import { Router } from 'express';
import { createHash } from 'node:crypto';
import { openApiDocument } from '../openapi';
import { operations } from '../operations';
import { mount } from '../middleware/route';

const DOCS_PAGE = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>督办 Duban API</title>
<style>
  body { font: 15px/1.5 system-ui, "PingFang SC", "Microsoft YaHei", sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1f2328; }
  h1 { font-size: 1.5rem; } .op { border: 1px solid #d0d7de; border-radius: 6px; margin: .75rem 0; padding: .5rem .75rem; }
  .method { display: inline-block; min-width: 3.5rem; font-weight: 700; text-transform: uppercase; }
  .get { color: #0969da; } .post { color: #1a7f37; } code { font-size: .9em; }
  pre { background: #f6f8fa; padding: .5rem; overflow: auto; font-size: 12px; } summary { cursor: pointer; }
  .roles { color: #57606a; font-size: .9em; }
</style>
</head>
<body>
<h1>督办 Duban API</h1>
<p id="intro">正在加载 <a href="/openapi.json">/openapi.json</a> … Loading the OpenAPI document…</p>
<div id="ops"></div>
<script>
(function () {
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return node;
  }
  function block(title, value) {
    return el('details', {}, [el('summary', {}, [title]), el('pre', {}, [JSON.stringify(value, null, 2)])]);
  }
  fetch('/openapi.json').then(function (r) { return r.json(); }).then(function (doc) {
    document.getElementById('intro').textContent = doc.info.description;
    var root = document.getElementById('ops');
    Object.keys(doc.paths).forEach(function (path) {
      Object.keys(doc.paths[path]).forEach(function (method) {
        var op = doc.paths[path][method];
        var parts = [
          el('div', {}, [el('span', { class: 'method ' + method }, [method]), el('code', {}, [path]), ' — ' + op.summary]),
        ];
        if (op.description) parts.push(el('div', { class: 'roles' }, [op.description]));
        if (op.parameters) parts.push(block('参数 Parameters', op.parameters));
        if (op.requestBody) parts.push(block('请求体 Request body', op.requestBody.content['application/json'].schema));
        parts.push(block('响应 Responses', op.responses));
        root.appendChild(el('div', { class: 'op' }, parts));
      });
    });
  }).catch(function (e) { document.getElementById('intro').textContent = 'Cannot load /openapi.json: ' + e; });
})();
</script>
</body>
</html>
`;

/** The CSP hash source of the one inline element `tag` of the page. */
function inlineHash(tag: 'script' | 'style'): string {
  const text = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(DOCS_PAGE)![1]!;
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * Exactly what the page needs: its own inline script and style (by hash, so no other inline code runs)
 * and a fetch of `/openapi.json` from this server; nothing else, and no framing.
 */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `script-src ${inlineHash('script')}`,
  `style-src ${inlineHash('style')}`,
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The documentation routes (no token needed). */
export function docsRoutes(): Router {
  const router = Router();
  const document = openApiDocument();
  mount(router, operations.openapi, (_req, res) => {
    res.json(document);
  });
  mount(router, operations.docs, (_req, res) => {
    res.set('Content-Security-Policy', DOCS_CONTENT_SECURITY_POLICY);
    res.type('html').send(DOCS_PAGE);
  });
  return router;
}
