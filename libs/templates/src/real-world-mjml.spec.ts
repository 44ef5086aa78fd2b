import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import mjml2html from 'mjml';
import { exampleContext, sampleData } from '../test-support/fixtures.js';
import { MJML_OPTIONS, checkEmailTemplate } from './email-template.js';

const directory = new URL('../test-support/real-world/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, directory), 'utf8');

/** mj-navbar and mj-carousel draw a random id per run; number them in order of appearance instead. */
function withStableIds(html: string): string {
  const ids = new Map<string, string>();
  return html.replace(/\b[0-9a-f]{16}\b/g, (id) => {
    if (!ids.has(id)) ids.set(id, `id-${ids.size}`);
    return ids.get(id)!;
  });
}

describe('real-world MJML templates', () => {
  it.each(['newsletter.mjml', 'receipt.mjml', 'event-invitation.mjml'])(
    '%s passes strict validation and compiles to exactly what mjml2html makes of it',
    async (file) => {
      const mjml = read(file);
      const direct = await mjml2html(mjml, MJML_OPTIONS);
      expect(direct.errors).toEqual([]);
      const result = await checkEmailTemplate(
        { subject: 'Island news', preheader: '', mjml },
        exampleContext,
      );
      expect(result.diagnostics).toEqual([]);
      expect(withStableIds(result.template!.mjmlHtml)).toBe(withStableIds(direct.html));
      const rendered = result.template!.render(sampleData(2));
      expect(rendered.html).toContain('href="https://mail.blue-aegean.example/u/t2"');
      expect(rendered.html).not.toContain('{{');
      expect(rendered.text).toContain('Unsubscribe [https://mail.blue-aegean.example/u/t2]');
    },
  );

  it('MJML strict validation still applies to templates that hold expressions', async () => {
    const mjml = read('receipt.mjml').replace('<mj-table font-size="14px"', '<mj-table font-size="large"');
    const lines = mjml.split('\n');
    const line = lines.findIndex((text) => text.includes('<mj-table')) + 1;
    const column = lines[line - 1]!.indexOf('<mj-table') + 1;
    const result = await checkEmailTemplate({ subject: 'x', mjml }, exampleContext);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ code: 'INVALID_MJML', line, column, source: 'body', length: 9 }),
    ]);
  });
});
