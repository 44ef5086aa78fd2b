import type { FastifyReply } from 'fastify';

/** Browsers ask for HTML when they follow a link or submit a form; API clients get JSON. */
export function wantsHtml(accept: string | undefined): boolean {
  return accept?.includes('text/html') ?? false;
}

/**
 * The link is the only credential: no cache or referrer may keep it, search engines
 * leave it alone, and the pages run no script and post only back to themselves.
 */
export function privateLinkHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-robots-tag', 'noindex, nofollow')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'");
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.5}
button{font:inherit;padding:.5rem 1.25rem;cursor:pointer}</style>
</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

/**
 * The page a click on the link opens. It changes nothing: link scanners fetch
 * every link in a mail, so only the button (a POST, like RFC 8058 one-click) does.
 */
export function renderConfirmPage(): string {
  return page(
    'Unsubscribe',
    `<p>Stop receiving these emails? Any follow-up in progress ends, and no further mail is sent to this address.</p>
<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">Unsubscribe</button></form>`,
  );
}

export function renderDonePage(): string {
  return page(
    'You are unsubscribed',
    '<p>You will receive no further emails of this kind. You can close this page.</p>',
  );
}

export function renderProblemPage(message: string, code: string): string {
  return page(
    'This link does not work',
    `<p>${escapeHtml(message)}.</p><p><small>${escapeHtml(code)}</small></p>`,
  );
}
