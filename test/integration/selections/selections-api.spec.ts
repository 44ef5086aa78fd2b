import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  addToGroup,
  allContactIds,
  type Api,
  expectStatus,
  type GroupJson,
  newGroup,
  newPerson,
  openApi,
  q,
  saveSelection,
  tag,
  unique,
} from './selection-factories.js';

let api: Api;

beforeAll(async () => {
  api = await openApi();
});

afterAll(async () => {
  await api.app.close();
});

interface DiagnosticJson {
  offset: number;
  length: number;
  line: number;
  column: number;
  severity: string;
  message: string;
  code?: string;
  suggestion?: string;
}

/** A fresh root (unique name) with Greece/{Crete,Rhodes} and Spain below it. */
async function travelTree() {
  const root = await newGroup(api, unique('Travel'));
  const greece = await newGroup(api, 'Greece', root);
  return {
    root,
    greece,
    crete: await newGroup(api, 'Crete', greece),
    rhodes: await newGroup(api, 'Rhodes', greece),
    spain: await newGroup(api, 'Spain', root),
  };
}

async function personIn(group: GroupJson, fields: Record<string, unknown> = {}) {
  const person = await newPerson(api, fields);
  await addToGroup(api, person, group);
  return person;
}

describe('POST /v1/rules/validate, format and complete', () => {
  it('places an unknown group path by line, column, offset and length, with the path probably meant', async () => {
    const { root } = await travelTree();
    const source = `selection "x" =\n  in ${root.name}/Grece and subscribed`;
    const answer = await expectStatus<{ valid: boolean; diagnostics: DiagnosticJson[] }>(
      api.call('POST', '/v1/rules/validate', { source }),
      200,
    );
    expect(answer.valid).toBe(false);
    expect(answer.diagnostics).toEqual([
      expect.objectContaining({
        offset: source.indexOf(root.name),
        length: `${root.name}/Grece`.length,
        line: 2,
        column: 6,
        severity: 'error',
        code: 'unknown-group',
        suggestion: `${root.name}/Greece`,
      }),
    ]);
  });

  it('accepts a whole program and only warns about a tag no contact has yet', async () => {
    const tagName = unique('never-used');
    const answer = await expectStatus<{ valid: boolean; diagnostics: DiagnosticJson[] }>(
      api.call('POST', '/v1/rules/validate', {
        source: `selection "a" = tagged ${q(tagName)}\nselection "b" = in selection "a" and subscribed\n`,
      }),
      200,
    );
    expect(answer.valid).toBe(true);
    expect(answer.diagnostics).toEqual([
      expect.objectContaining({ severity: 'warning', code: 'unknown-tag', line: 1 }),
    ]);
  });

  it('lays text out canonically, keeping comments', async () => {
    const answer = await expectStatus<{ source: string }>(
      api.call('POST', '/v1/rules/format', {
        source: 'selection   "x"=city="Berlin"   and  subscribed # note',
      }),
      200,
    );
    expect(answer.source).toBe('selection "x" = city = "Berlin" and subscribed # note\n');
  });

  it('refuses to format text that cannot be read: 400 RULE_INVALID with the syntax errors', async () => {
    const response = await api.call('POST', '/v1/rules/format', { source: 'selection "x" = city = ' });
    expect(response.statusCode).toBe(400);
    const { error } = response.json();
    expect(error.code).toBe('RULE_INVALID');
    expect(error.details.diagnostics).toEqual([
      expect.objectContaining({ severity: 'error', line: 1, offset: expect.any(Number) }),
    ]);
  });

  it('completes the subgroups of a path from the live group tree', async () => {
    const { root } = await travelTree();
    const source = `selection "x" = in ${root.name}/`;
    const answer = await expectStatus<{ items: { label: string; kind: string; insertText: string }[] }>(
      api.call('POST', '/v1/rules/complete', { source, offset: source.length }),
      200,
    );
    const groups = answer.items.filter((item) => item.kind === 'group').map((item) => item.insertText);
    expect(groups).toEqual(
      expect.arrayContaining([expect.stringContaining('Greece'), expect.stringContaining('Spain')]),
    );
  });

  it('knows the templates that exist, so a sequence may send them', async () => {
    const name = unique('welcome');
    await expectStatus(
      api.call('POST', '/v1/templates', {
        name,
        kind: 'email',
        subject: 'Hello',
        body: `<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text>
          <mj-text><a href="{{links.unsubscribe}}">Unsubscribe</a></mj-text></mj-column></mj-section></mj-body></mjml>`,
      }),
      201,
    );
    const check = (template: string) =>
      expectStatus<{ valid: boolean; diagnostics: DiagnosticJson[] }>(
        api.call('POST', '/v1/rules/validate', { source: `sequence "s" {\n  send email ${q(template)}\n}` }),
        200,
      );
    expect(await check(name)).toEqual({ valid: true, diagnostics: [] });
    expect((await check(`${name}x`)).diagnostics).toEqual([
      expect.objectContaining({ code: 'unknown-template', suggestion: q(name) }),
    ]);
  });

  it('answers 400 VALIDATION_FAILED without source', async () => {
    const response = await api.call('POST', '/v1/rules/validate', {});
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('VALIDATION_FAILED');
  });
});

describe('/v1/selections', () => {
  it('saves, shows, lists, changes and deletes a selection', async () => {
    const { root } = await travelTree();
    const name = unique('Greece leads');
    const source = `# autumn campaign\nselection ${q(name)} = in ${root.name}/Greece and subscribed\n`;
    const saved = await saveSelection(api, source);
    expect(saved).toMatchObject({ name, source, diagnostics: [] });

    const shown = await expectStatus<{ source: string }>(api.call('GET', `/v1/selections/${saved.id}`), 200);
    expect(shown).toMatchObject({ id: saved.id, name, source });

    let cursor: string | null = null;
    const names: string[] = [];
    do {
      const page: { items: { name: string }[]; nextCursor: string | null } = await expectStatus(
        api.call('GET', `/v1/selections?limit=100${cursor ? `&cursor=${cursor}` : ''}`),
        200,
      );
      names.push(...page.items.map((item) => item.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(names).toContain(name);

    const renamed = unique('Greece leads, renamed');
    const changed = await expectStatus<{ name: string; source: string }>(
      api.call('PATCH', `/v1/selections/${saved.id}`, {
        source: `selection ${q(renamed)} = in ${root.name}/Greece`,
      }),
      200,
    );
    expect(changed.name).toBe(renamed);

    await expectStatus(api.call('DELETE', `/v1/selections/${saved.id}`), 204);
    const gone = await api.call('GET', `/v1/selections/${saved.id}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe('SELECTION_NOT_FOUND');
  });

  it('refuses text with errors: 400 RULE_INVALID with each diagnostic placed and explained', async () => {
    const { root } = await travelTree();
    const source = `selection "bad" =\n  in ${root.name}/Grece\n  and city = 5`;
    const response = await api.call('POST', '/v1/selections', { source });
    expect(response.statusCode).toBe(400);
    const { error } = response.json();
    expect(error.code).toBe('RULE_INVALID');
    const diagnostics: DiagnosticJson[] = error.details.diagnostics;
    expect(diagnostics.map((d) => [d.line, d.code, d.suggestion])).toEqual([
      [2, 'unknown-group', `${root.name}/Greece`],
      [3, 'type-mismatch', '"5"'],
    ]);
    for (const diagnostic of diagnostics) {
      expect(diagnostic).toEqual(
        expect.objectContaining({
          offset: expect.any(Number),
          length: expect.any(Number),
          column: expect.any(Number),
          message: expect.any(String),
        }),
      );
    }
    expect(diagnostics[1]!.offset).toBe(source.lastIndexOf('5'));
    expect(diagnostics[1]!.column).toBe(14);
  });

  it('refuses text that is not exactly one selection statement', async () => {
    const tooMany = await api.call('POST', '/v1/selections', {
      source: 'selection "one" = subscribed\nselection "two" = subscribed',
    });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error.details.diagnostics).toEqual([
      expect.objectContaining({ code: 'one-selection-only', line: 2, column: 1 }),
    ]);
    const none = await api.call('POST', '/v1/selections', { source: '# nothing here\n' });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.details.diagnostics[0].code).toBe('selection-expected');
  });

  it('refuses a second selection of the same name: 409 SELECTION_NAME_TAKEN', async () => {
    const name = unique('Taken');
    await saveSelection(api, `selection ${q(name)} = subscribed`);
    const again = await api.call('POST', '/v1/selections', { source: `selection ${q(name)} = unsubscribed` });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'SELECTION_NAME_TAKEN', details: { field: 'name' } });
  });

  it('reports selections that refer to each other as a loop, and keeps a used selection from going', async () => {
    const a = unique('A');
    const b = unique('B');
    const first = await saveSelection(api, `selection ${q(a)} = tagged "vip"`);
    await saveSelection(api, `selection ${q(b)} = in selection ${q(a)} and subscribed`);

    const loop = await api.call('PATCH', `/v1/selections/${first.id}`, {
      source: `selection ${q(a)} = in selection ${q(b)}`,
    });
    expect(loop.statusCode).toBe(400);
    expect(loop.json().error.details.diagnostics).toEqual([
      expect.objectContaining({
        code: 'selection-cycle',
        message: expect.stringContaining(`"${a}" → "${b}" → "${a}"`),
      }),
    ]);

    const self = unique('Self');
    const selfLoop = await api.call('POST', '/v1/selections', {
      source: `selection ${q(self)} = in selection ${q(self)}`,
    });
    expect(selfLoop.statusCode).toBe(400);
    expect(selfLoop.json().error.details.diagnostics[0].code).toBe('selection-cycle');

    const deletion = await api.call('DELETE', `/v1/selections/${first.id}`);
    expect(deletion.statusCode).toBe(409);
    expect(deletion.json().error).toMatchObject({
      code: 'SELECTION_IN_USE',
      details: { usedBy: [expect.objectContaining({ name: b })] },
    });
    const rename = await api.call('PATCH', `/v1/selections/${first.id}`, {
      source: `selection ${q(unique('A2'))} = tagged "vip"`,
    });
    expect(rename.statusCode).toBe(409);
    expect(rename.json().error.code).toBe('SELECTION_IN_USE');
  });

  it('answers 404 SELECTION_NOT_FOUND for an unknown id and 400 for one that is not a UUID', async () => {
    const missing = await api.call('GET', '/v1/selections/00000000-0000-4000-8000-000000000000');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('SELECTION_NOT_FOUND');
    expect((await api.call('GET', '/v1/selections/nope')).statusCode).toBe(400);
  });
});

describe('running selections', () => {
  it('evaluates text: the count, the first page by id and a cursor for the rest', async () => {
    const { root, crete, rhodes, spain } = await travelTree();
    const inCrete = await personIn(crete, { consent: 'subscribed' });
    const inRhodes = await personIn(rhodes, { consent: 'subscribed' });
    await personIn(rhodes, { consent: 'unsubscribed' });
    await personIn(spain, { consent: 'subscribed' });
    const source = `selection "Greece leads" = in ${root.name}/Greece and subscribed`;

    const first = await expectStatus<{
      count: number;
      contacts: { id: string }[];
      nextCursor: string | null;
      tookMs: number;
    }>(api.call('POST', '/v1/selections/evaluate', { source, limit: 1 }), 200);
    expect(first.count).toBe(2);
    expect(first.tookMs).toBeGreaterThan(0);
    expect(first.contacts).toHaveLength(1);
    const second = await expectStatus<{ contacts: { id: string }[]; nextCursor: string | null }>(
      api.call('POST', '/v1/selections/evaluate', { source, limit: 1, cursor: first.nextCursor }),
      200,
    );
    expect(second.nextCursor).toBeNull();
    expect([...first.contacts, ...second.contacts].map((c) => c.id)).toEqual(
      [inCrete.id, inRhodes.id].sort(),
    );
  });

  it('evaluates a saved selection and pages through its contacts', async () => {
    const { root, crete, rhodes, greece } = await travelTree();
    const members = [
      await personIn(crete),
      await personIn(rhodes),
      await personIn(greece),
      await personIn(crete),
      await personIn(rhodes),
    ];
    const saved = await saveSelection(api, `selection ${q(unique('Greece'))} = in ${root.name}/Greece`);
    const evaluation = await expectStatus<{ count: number }>(
      api.call('POST', '/v1/selections/evaluate', { selectionId: saved.id }),
      200,
    );
    expect(evaluation.count).toBe(5);
    expect(await allContactIds(api, saved.id, 2)).toEqual(members.map((m) => m.id).sort());
  });

  it('needs exactly one of source and selectionId: 400 VALIDATION_FAILED', async () => {
    const both = await api.call('POST', '/v1/selections/evaluate', {
      source: 'selection "x" = subscribed',
      selectionId: '00000000-0000-4000-8000-000000000000',
    });
    expect(both.statusCode).toBe(400);
    expect(both.json().error.code).toBe('VALIDATION_FAILED');
    const neither = await api.call('POST', '/v1/selections/evaluate', {});
    expect(neither.statusCode).toBe(400);
    expect(neither.json().error.details.fields).toEqual(
      expect.arrayContaining([{ field: 'source', problem: 'give exactly one of source and selectionId' }]),
    );
  });

  it('follows the current definition of a nested selection', async () => {
    const { root, crete, spain } = await travelTree();
    const inCrete = await personIn(crete);
    const inSpain = await personIn(spain);
    const inner = unique('Inner');
    const innerSaved = await saveSelection(api, `selection ${q(inner)} = in ${root.name}/Greece`);
    const outer = await saveSelection(api, `selection ${q(unique('Outer'))} = in selection ${q(inner)}`);
    expect(await allContactIds(api, outer.id)).toEqual([inCrete.id]);
    await expectStatus(
      api.call('PATCH', `/v1/selections/${innerSaved.id}`, {
        source: `selection ${q(inner)} = in ${root.name}/Spain`,
      }),
      200,
    );
    expect(await allContactIds(api, outer.id)).toEqual([inSpain.id]);
  });

  it('explains a match clause by clause, naming the subgroup the contact is in', async () => {
    const { root, crete } = await travelTree();
    const person = await personIn(crete, { consent: 'subscribed' });
    await tag(api, person, 'vip');
    const answer = await expectStatus<{
      matches: boolean;
      explanation: { result: boolean; children: { clause: string; result: boolean; reason: string }[] };
      lines: string[];
    }>(
      api.call('POST', '/v1/selections/explain', {
        source: `selection "x" = in ${root.name}/Greece and subscribed and not tagged "VIP"`,
        contactId: person.id,
      }),
      200,
    );
    expect(answer.matches).toBe(false);
    expect(answer.explanation.children.map((child) => child.result)).toEqual([true, true, false]);
    expect(answer.explanation.children[0]!.reason).toContain(`${root.name}/Greece/Crete`);
    expect(answer.lines[0]).toMatch(/: no, /);
    expect(answer.lines[1]).toMatch(
      new RegExp(`^  in ${root.name}/Greece: yes, via ${root.name}/Greece/Crete`),
    );
    expect(answer.lines.at(-1)).toMatch(/^ {4}tagged "VIP": yes, tagged since \d{4}-\d{2}-\d{2}$/);
  });

  it('answers 404 CONTACT_NOT_FOUND when explaining for an unknown contact', async () => {
    const response = await api.call('POST', '/v1/selections/explain', {
      source: 'selection "x" = subscribed',
      contactId: '00000000-0000-4000-8000-000000000000',
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('CONTACT_NOT_FOUND');
  });
});

describe('OpenAPI', () => {
  it('documents the rule and selection endpoints, with a description on every field', async () => {
    const document = await expectStatus<{
      paths: Record<string, unknown>;
      components: { schemas: Record<string, { properties?: Record<string, { description?: string }> }> };
    }>(api.call('GET', '/openapi.json'), 200);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/rules/validate',
        '/v1/rules/format',
        '/v1/rules/complete',
        '/v1/selections',
        '/v1/selections/{id}',
        '/v1/selections/{id}/contacts',
        '/v1/selections/evaluate',
        '/v1/selections/explain',
      ]),
    );
    const ours = [
      'RuleSourceDto',
      'CompleteRuleDto',
      'DiagnosticDto',
      'RuleValidationDto',
      'FormattedRuleDto',
      'CompletionItemDto',
      'CompletionListDto',
      'SelectionSourceDto',
      'EvaluateSelectionDto',
      'ExplainSelectionDto',
      'SelectionResponseDto',
      'SavedSelectionResponseDto',
      'SelectionPageDto',
      'SelectionContactPageDto',
      'SelectionEvaluationDto',
      'ExplanationDto',
      'SelectionExplanationDto',
    ];
    for (const name of ours) {
      const properties = Object.entries(document.components.schemas[name]?.properties ?? {});
      expect({ name, properties: properties.length > 0 }).toEqual({ name, properties: true });
      const undocumented = properties.filter(([, schema]) => !schema.description).map(([key]) => key);
      expect({ name, undocumented }).toEqual({ name, undocumented: [] });
    }
  });
});
