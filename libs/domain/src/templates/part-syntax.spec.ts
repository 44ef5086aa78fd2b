import { describe, expect, it } from '@jest/globals';
import { referencedParts } from './part-references.js';
import { checkPartSyntax } from './part-syntax.js';

describe('checkPartSyntax', () => {
  it('accepts a well-formed partial and a layout with its content slot', () => {
    expect(
      checkPartSyntax(
        'footer',
        'partial',
        '<mj-text>{{#if account.phone}}{{account.phone}}{{/if}}</mj-text>',
      ),
    ).toEqual([]);
    expect(
      checkPartSyntax('frame', 'layout', '<mjml><mj-body>{{> @partial-block}}</mj-body></mjml>'),
    ).toEqual([]);
  });

  it('positions a block closed by the wrong name at the block it opened', () => {
    const [diagnostic] = checkPartSyntax(
      'footer',
      'partial',
      '<mj-text>\n  {{#if contact.firstName}}\n  {{/each}}\n</mj-text>',
    );
    expect(diagnostic).toMatchObject({ code: 'SYNTAX_ERROR', source: 'partial:footer', line: 2, column: 6 });
  });

  it('positions an unterminated expression on its line', () => {
    const [diagnostic] = checkPartSyntax(
      'header',
      'partial',
      '<mj-text>\nHello {{contact.firstName</mj-text>',
    );
    expect(diagnostic).toMatchObject({ code: 'SYNTAX_ERROR', source: 'partial:header', line: 2 });
    // Handlebars stops at `firstName`: a name followed by `<` instead of `}}`.
    expect(diagnostic!.column).toBe(17);
  });

  it('asks a layout for {{> @partial-block}}', () => {
    const [diagnostic] = checkPartSyntax('frame', 'layout', '<mjml><mj-body></mj-body></mjml>');
    expect(diagnostic).toMatchObject({ code: 'SYNTAX_ERROR', line: 1, column: 1 });
    expect(diagnostic!.message).toContain('@partial-block');
  });
});

describe('referencedParts', () => {
  it('follows parts that use parts, once each, and keeps names that do not exist', () => {
    const parts = {
      layout: '{{> header}}{{> @partial-block}}{{~> footer}}',
      header: '{{> logo}}',
      footer: '',
      logo: '{{> header}}',
    };
    expect(referencedParts(['{{#> layout}}x{{/layout}} {{> missing}}'], parts)).toEqual([
      'footer',
      'header',
      'layout',
      'logo',
      'missing',
    ]);
  });
});
