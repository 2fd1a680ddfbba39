/**
 * The Content-Security-Policy of a GraphiQL page, computed from the page itself, so it allows
 * exactly what the page runs: inline scripts by their SHA-256 hash, script files from this origin
 * only when the page loads some (routes/graphiql.ts serves such a page, with no inline script and
 * its options in a JSON data block), Monaco's editor workers from blob: URLs, and inline styles
 * (Monaco injects <style> elements as it runs; hashes cannot cover styles made at run time, and
 * styles cannot run code). Nothing is loaded from another origin; requests go to this origin
 * only, over HTTP and WebSocket. No framing (frame-ancestors 'none'), no plugins, no <base>.
 */
import { createHash } from 'node:crypto';

/** Script types a browser runs; any other `type` is a data block (JSON options), never executed. */
const EXECUTABLE = /^(?:module|(?:text|application)\/(?:javascript|ecmascript)|text\/jscript)$/i;

/** Every executable <script> element of a page, as a browser's tokenizer splits them: its attributes and text. */
function scriptsOf(html: string): { attrs: string; text: string }[] {
  return [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script[\s/>]/gi)]
    .map((m) => ({ attrs: m[1] ?? '', text: m[2] ?? '' }))
    .filter((s) => {
      const type = /\btype\s*=\s*["']?([^"'\s>]*)/i.exec(s.attrs)?.[1];
      return type === undefined || type === '' || EXECUTABLE.test(type);
    });
}

/** The CSP source expression allowing one inline script (browsers hash it with line breaks normalised). */
export function scriptHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text.replace(/\r\n?/g, '\n'), 'utf8').digest('base64')}'`;
}

/** The Content-Security-Policy of a rendered GraphiQL page. */
export function graphiqlCsp(html: string): string {
  const scripts = scriptsOf(html);
  const inline = scripts.filter((s) => !/\bsrc\s*=/i.test(s.attrs)).map((s) => scriptHash(s.text));
  const external = scripts.length > inline.length ? ["'self'"] : [];
  return [
    "default-src 'self'",
    `script-src ${[...external, ...inline].join(' ') || "'none'"}`,
    'worker-src blob:',
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self' ws: wss:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
