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
  unique,
} from './selection-factories.js';

let api: Api;

beforeAll(async () => {
  api = await openApi();
});

afterAll(async () => {
  await api.app.close();
});

async function personIn(group: GroupJson) {
  const person = await newPerson(api);
  await addToGroup(api, person, group);
  return person;
}

const shown = async (id: string) =>
  (await expectStatus<{ source: string }>(api.call('GET', `/v1/selections/${id}`), 200)).source;

describe('saved selections and a changing group tree', () => {
  it('keep working after their group is renamed and moved, and show the current path', async () => {
    const travel = await newGroup(api, unique('Travel'));
    const archive = await newGroup(api, unique('Archive'));
    const greece = await newGroup(api, 'Greece', travel);
    const crete = await newGroup(api, 'Crete', greece);
    const inCrete = await personIn(crete);
    const name = unique('Greece leads');
    const source = `# the autumn campaign\nselection ${q(name)} = in ${travel.name}/Greece # with islands\n`;
    const saved = await saveSelection(api, source);
    expect(await shown(saved.id)).toBe(source);

    await expectStatus(api.call('PATCH', `/v1/groups/${greece.id}`, { name: 'Hellas' }), 200);
    expect(await allContactIds(api, saved.id)).toEqual([inCrete.id]);
    expect(await shown(saved.id)).toBe(`selection ${q(name)} = in ${travel.name}/Hellas\n`);

    await expectStatus(api.call('PATCH', `/v1/groups/${greece.id}`, { parentId: archive.id }), 200);
    expect(await allContactIds(api, saved.id)).toEqual([inCrete.id]);
    expect(await shown(saved.id)).toBe(`selection ${q(name)} = in ${archive.name}/Hellas\n`);

    // A subgroup created after the save counts too: the subtree is today's, not the saved one.
    const santorini = await newGroup(api, 'Santorini', greece);
    const inSantorini = await personIn(santorini);
    expect(await allContactIds(api, saved.id)).toEqual([inCrete.id, inSantorini.id].sort());

    // The old path no longer names anything: new text is checked against today's tree.
    const stale = await api.call('POST', '/v1/selections/evaluate', {
      source: `selection "stale" = in ${travel.name}/Greece`,
    });
    expect(stale.statusCode).toBe(400);
    expect(stale.json().error.details.diagnostics[0].code).toBe('unknown-group');
  });

  it('follow a renamed group inside a nested selection too', async () => {
    const root = await newGroup(api, unique('Customers'));
    const vip = await newGroup(api, 'VIP', root);
    const person = await personIn(vip);
    const inner = unique('VIPs');
    await saveSelection(api, `selection ${q(inner)} = in exactly ${root.name}/VIP`);
    const outer = await saveSelection(api, `selection ${q(unique('All VIPs'))} = in selection ${q(inner)}`);
    await expectStatus(api.call('PATCH', `/v1/groups/${vip.id}`, { name: 'Gold' }), 200);
    expect(await allContactIds(api, outer.id)).toEqual([person.id]);
    // Saving new text that uses the nested selection checks it against the renamed group.
    await saveSelection(api, `selection ${q(unique('Gold VIPs'))} = in selection ${q(inner)} and subscribed`);
  });

  it('answer 422 SELECTION_BROKEN once a group they use is deleted', async () => {
    const root = await newGroup(api, unique('Events'));
    const fair = await newGroup(api, 'Fair', root);
    const saved = await saveSelection(api, `selection ${q(unique('Fair visitors'))} = in ${root.name}/Fair`);
    await expectStatus(api.call('DELETE', `/v1/groups/${fair.id}`), 200);
    const evaluation = await api.call('POST', '/v1/selections/evaluate', { selectionId: saved.id });
    expect(evaluation.statusCode).toBe(422);
    expect(evaluation.json().error).toMatchObject({
      code: 'SELECTION_BROKEN',
      details: { selectionId: saved.id, problems: [expect.stringContaining('no longer exists')] },
    });
    // It can still be shown (as written) and fixed.
    expect(await shown(saved.id)).toContain(`${root.name}/Fair`);
    await expectStatus(
      api.call('PATCH', `/v1/selections/${saved.id}`, {
        source: `selection "Fixed ${saved.id}" = in ${root.name}`,
      }),
      200,
    );
  });
});
