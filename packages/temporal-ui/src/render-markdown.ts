/**
 * `GET /render?content=...&theme=...`: the page the UI loads in an iframe to show a workflow's
 * current details and summary (markdown), a UI-server-only path.
 *
 * Workflow code writes this text, so it is untrusted: everything is HTML-escaped first, then a
 * small markdown subset is applied (paragraphs, line breaks, headings, lists, **bold**,
 * *italics*, `code`, fenced code, http(s) links). The page gets a CSP with no scripts at all.
 * (The markdown libraries the upstream server uses are ESM-only; this server and its tests run
 * as CommonJS, and the subset covers what the checks write.)
 */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]);

function inline(text: string): string {
  const codes: string[] = [];
  let html = escape(text).replace(/`([^`]+)`/g, (_m, code: string) => `\uE000${codes.push(code) - 1}\uE000`);
  html = html
    .replace(/\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)/g, '<a href="$2" rel="noopener noreferrer">$1</a>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^*])\*([^*]+)\*/g, '$1<em>$2</em>');
  return html.replace(/\uE000(\d+)\uE000/g, (_m, i: string) => `<code>${codes[Number(i)]}</code>`);
}

export function markdownToHtml(markdown: string): string {
  const blocks: string[] = [];
  const fenced = markdown.replace(/\r\n?/g, '\n').split(/^```[^\n]*\n([\s\S]*?)^```\s*$/m);
  fenced.forEach((part, index) => {
    if (index % 2 === 1) {
      blocks.push(`<pre><code>${escape(part)}</code></pre>`);
      return;
    }
    for (const block of part.split(/\n{2,}/)) {
      const lines = block.split('\n').filter((line) => line.trim() !== '');
      if (lines.length === 0) continue;
      const heading = /^(#{1,6})\s+(.*)$/.exec(lines[0]);
      if (heading && lines.length === 1) {
        blocks.push(`<h${heading[1].length}>${inline(heading[2])}</h${heading[1].length}>`);
      } else if (lines.every((line) => /^\s*[-*]\s+/.test(line))) {
        blocks.push(`<ul>${lines.map((l) => `<li>${inline(l.replace(/^\s*[-*]\s+/, ''))}</li>`).join('')}</ul>`);
      } else {
        blocks.push(`<p>${lines.map(inline).join('<br>')}</p>`);
      }
    }
  });
  return blocks.join('\n');
}

const STYLE = `body{margin:0;font:14px/1.5 Inter,system-ui,sans-serif;color:#141414;background:transparent}
body[data-theme=dark]{color:#f8fafc}p,ul,pre,h1,h2,h3,h4,h5,h6{margin:0 0 .5em}
code{font-family:'Noto Sans Mono',monospace;font-size:.9em;background:rgba(127,127,127,.15);padding:0 .2em;border-radius:3px}
pre code{display:block;padding:.5em;white-space:pre-wrap}a{color:#444ce7}`;

export function renderPage(content: string, theme: string): { html: string; csp: string } {
  const safeTheme = theme === 'dark' ? 'dark' : 'light';
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>Rendered Markdown</title><base target="_blank"><style>${STYLE}</style></head><body data-theme="${safeTheme}"><main>${markdownToHtml(content)}</main></body></html>`;
  const csp =
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox allow-same-origin allow-popups allow-popups-to-escape-sandbox";
  return { html, csp };
}
