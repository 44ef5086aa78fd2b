import type { CaughtMail } from '../../../../libs/platform/src/index.js';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** A plain list; mail bodies are shown as text so no received HTML ever runs in the page. */
export function renderMailboxPage(mails: CaughtMail[]): string {
  const items = mails
    .map(
      (mail) => `<li><details><summary><strong>${escapeHtml(mail.subject || '(no subject)')}</strong>
 to ${escapeHtml(mail.to.join(', '))} from ${escapeHtml(mail.from)} at ${escapeHtml(mail.receivedAt)}</summary>
<pre>${escapeHtml(mail.text)}</pre></details></li>`,
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Trellis mailbox</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}li{margin:.5rem 0}pre{white-space:pre-wrap;background:#f6f6f6;padding:.5rem}</style>
</head><body><h1>Trellis mailbox</h1><p>${mails.length} message(s), newest first.</p><ul>${items}</ul></body></html>`;
}
