/**
 * GraphiQL's page with the same protections as the demo page (routes/demo.ts): a
 * Content-Security-Policy, no framing, no MIME sniffing, no referrer. `graphiqlCsp` computes the
 * policy of any GraphiQL page: scripts by the hash of each inline one, and 'self' when the page
 * loads script files (routes/graphiql.ts serves such a page, with no inline script).
 *
 * The page of `@graphql-yoga/render-graphiql` is one inlined document (no outside request, so it
 * works offline): an inline <style>, and one inline <script> of several megabytes that starts
 * Monaco's editor workers from blob: URLs and injects <style> elements as it runs. The policy
 * therefore allows exactly that script by its SHA-256 hash (computed from the rendered page, so
 * it follows any upgrade of the package), workers from blob: URLs only, and inline styles (hashes
 * cannot cover styles created at run time; styles cannot run code). Nothing is loaded from
 * another origin; requests go to this origin only, over HTTP and WebSocket.
 */
import { createHash } from 'node:crypto';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { Plugin } from 'graphql-yoga';

export type RenderGraphiQL = typeof renderGraphiQL;

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

export interface GraphiQLPage {
  /** yoga's `renderGraphiQL`: the inlined page, rendered once per set of options and kept. */
  render: RenderGraphiQL;
  /** Adds the page's security headers to yoga's GraphiQL responses. */
  plugin: Plugin;
}

export function createGraphiQLPage(render: RenderGraphiQL = renderGraphiQL): GraphiQLPage {
  let kept: { key: string; html: string; csp: string } | null = null;
  return {
    render(options) {
      const key = JSON.stringify(options ?? {});
      if (kept?.key !== key) {
        const html = render(options);
        kept = { key, html, csp: graphiqlCsp(html) };
      }
      return kept.html;
    },
    plugin: {
      onResponse({ request, response }) {
        // yoga answers text/html only with GraphiQL (its landing page is off).
        if (!kept || request.method !== 'GET' || !(response.headers.get('content-type') ?? '').startsWith('text/html')) return;
        response.headers.set('content-security-policy', kept.csp);
        response.headers.set('x-frame-options', 'DENY');
        response.headers.set('x-content-type-options', 'nosniff');
        response.headers.set('referrer-policy', 'no-referrer');
        response.headers.set('cache-control', 'no-cache');
      },
    },
  };
}
