import type { Response } from 'express';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A page the API itself shows inside the LMS frame (a refused launch, a link not set up yet, a blocked cookie): plain
 * HTML, no script, framable by the registered platforms only.
 */
export function sendLtiPage(
  res: Response,
  status: number,
  frameAncestors: string[],
  title: string,
  message: string,
  action?: { href: string; label: string },
): void {
  res.removeHeader('X-Frame-Options');
  res.setHeader(
    'Content-Security-Policy',
    `default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors ${frameAncestors.length ? frameAncestors.join(' ') : "'none'"}`,
  );
  res.setHeader('Cache-Control', 'no-store');
  res
    .status(status)
    .type('html')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)} · Epoch</title>` +
        `<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;line-height:1.5}` +
        `a.button{display:inline-block;padding:.45rem .9rem;border:1px solid #2563eb;border-radius:6px;text-decoration:none;font-weight:600}</style></head>` +
        `<body><h1>${escape(title)}</h1><p data-testid="lti-message">${escape(message)}</p>` +
        (action ? `<p><a class="button" target="_blank" rel="noopener" href="${escape(action.href)}">${escape(action.label)}</a></p>` : '') +
        `</body></html>`,
    );
}
