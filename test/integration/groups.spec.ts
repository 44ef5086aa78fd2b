import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestApi } from '../support/test-api.js';
import { groupFixtures, type GroupJson } from './groups/group-fixtures.js';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

describe('group tree API', () => {
  let app: NestFastifyApplication;
  let fx: ReturnType<typeof groupFixtures>;

  beforeAll(async () => {
    const api = await createTestApi();
    app = api.app;
    fx = groupFixtures(app, api.authorization);
  });

  afterAll(async () => {
    expect(await fx.closureMismatches()).toEqual([]);
    expect(await fx.countMismatches()).toEqual([]);
    await fx.close();
    await app.close();
  });

  const get = (url: string) => fx.request('GET', url);
  const errorOf = (response: { json(): unknown }) => (response.json() as { error: { code: string } }).error;
  const pathQuery = (path: string) => `/v1/groups/by-path?path=${encodeURIComponent(path)}`;

  describe('POST /v1/groups', () => {
    it('creates a Unicode subtree by parent id and by parent path, with closure rows for every ancestor', async () => {
      const travel = await fx.newGroup('Reiseangebote');
      const greece = await fx.newGroup('Griechenland', travel);
      const byPath = await fx.request('POST', '/v1/groups', {
        name: 'Первый контакт',
        parentPath: `${travel.name}/Griechenland`,
      });
      expect(byPath.statusCode).toBe(201);
      expect(byPath.json()).toMatchObject({ name: 'Первый контакт', parentId: greece.id });
      expect((await fx.closureOf(byPath.json().id)).ancestors).toEqual({
        [byPath.json().id]: 0,
        [greece.id]: 1,
        [travel.id]: 2,
      });
    });

    it('stores names trimmed and in NFC', async () => {
      const root = await fx.newGroup('Normalised');
      const child = await fx.request('POST', '/v1/groups', { name: '  Tu\u0308rkei ', parentId: root.id });
      expect(child.json().name).toBe('Türkei');
    });

    it('refuses a duplicate sibling with 409 GROUP_DUPLICATE_SIBLING', async () => {
      const root = await fx.newGroup('Customers');
      await fx.newGroup('Greece', root);
      const duplicate = await fx.request('POST', '/v1/groups', { name: 'Greece', parentId: root.id });
      expect(duplicate.statusCode).toBe(409);
      expect(errorOf(duplicate)).toMatchObject({
        code: 'GROUP_DUPLICATE_SIBLING',
        details: { field: 'name' },
      });
    });

    it('answers 422 GROUP_PARENT_NOT_FOUND for an unknown parent path', async () => {
      const response = await fx.request('POST', '/v1/groups', {
        name: 'x',
        parentPath: `Nowhere ${fx.tag}/y`,
      });
      expect(response.statusCode).toBe(422);
      expect(errorOf(response)).toMatchObject({
        code: 'GROUP_PARENT_NOT_FOUND',
        details: { field: 'parentPath' },
      });
    });

    it('answers 400 GROUP_PATH_INVALID for a bad escape in the parent path', async () => {
      const response = await fx.request('POST', '/v1/groups', { name: 'x', parentPath: 'Travel\\Greece' });
      expect(response.statusCode).toBe(400);
      expect(errorOf(response)).toMatchObject({ code: 'GROUP_PATH_INVALID', details: { offset: 6 } });
    });

    it('answers 400 when given both parentId and parentPath', async () => {
      const root = await fx.newGroup('Both');
      const response = await fx.request('POST', '/v1/groups', {
        name: 'x',
        parentId: root.id,
        parentPath: root.name,
      });
      expect(response.statusCode).toBe(400);
    });

    it('answers 400 VALIDATION_FAILED for a name over 200 characters or a non-string parentPath', async () => {
      const response = await fx.request('POST', '/v1/groups', { name: 'x'.repeat(201), parentPath: 7 });
      expect(response.statusCode).toBe(400);
      expect(errorOf(response)).toMatchObject({ code: 'VALIDATION_FAILED' });
    });
  });

  describe('GET /v1/groups/by-path', () => {
    it('finds a group whose name holds a slash and a backslash, written escaped', async () => {
      const root = await fx.newGroup('Paths');
      const ab = await fx.newGroup('A/B test', root);
      const odd = await fx.newGroup('C:\\temp', ab);
      const response = await get(pathQuery(`${root.name}/A\\/B test/C:\\\\temp`));
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        id: odd.id,
        path: `${root.name}/A\\/B test/C:\\\\temp`,
        pathSegments: [root.name, 'A/B test', 'C:\\temp'],
        counts: { directMembers: 0, subtreeMembers: 0, subgroups: 0 },
      });
    });

    it('answers 404 GROUP_NOT_FOUND naming the first segment that matched nothing', async () => {
      const root = await fx.newGroup('Travel');
      await fx.newGroup('Greece', root);
      const response = await get(pathQuery(`${root.name}/Greece/Crete`));
      expect(response.statusCode).toBe(404);
      expect(errorOf(response)).toMatchObject({
        code: 'GROUP_NOT_FOUND',
        details: { missingSegment: 'Crete', matchedSegments: 2 },
      });
      expect((await get(pathQuery(`Unknown root ${fx.tag}`))).statusCode).toBe(404);
    });

    it('answers 400 GROUP_PATH_INVALID for a bad escape or an empty segment', async () => {
      for (const path of ['Travel\\', 'Travel\\xGreece', 'Travel//Greece', '/Travel']) {
        const response = await get(pathQuery(path));
        expect(response.statusCode).toBe(400);
        expect(errorOf(response).code).toBe('GROUP_PATH_INVALID');
      }
    });

    it('answers 400 VALIDATION_FAILED without a path or with an unknown parameter', async () => {
      expect(errorOf(await get('/v1/groups/by-path')).code).toBe('VALIDATION_FAILED');
      expect(errorOf(await get(`${pathQuery('x')}&colour=red`)).code).toBe('VALIDATION_FAILED');
    });
  });

  describe('GET /v1/groups/:id and /counts', () => {
    it('counts direct members and distinct members of the whole subtree', async () => {
      const start = await fx.newGroup('Start');
      const greece = await fx.newGroup('Greece', start);
      const crete = await fx.newGroup('Crete', greece);
      const [a, b, c, d] = await fx.newContacts(4);
      await fx.addMembers(start, [a!]);
      await fx.addMembers(greece, [a!, b!]);
      await fx.addMembers(crete, [b!, c!]);
      void d;

      const details = await get(`/v1/groups/${greece.id}`);
      expect(details.statusCode).toBe(200);
      expect(details.json()).toMatchObject({
        id: greece.id,
        name: 'Greece',
        parentId: start.id,
        path: `${start.name}/Greece`,
        pathSegments: [start.name, 'Greece'],
        counts: { directMembers: 2, subtreeMembers: 3, subgroups: 1 },
      });
      expect((await get(`/v1/groups/${start.id}/counts`)).json()).toEqual({
        directMembers: 1,
        subtreeMembers: 3,
        subgroups: 2,
      });
      expect((await get(`/v1/groups/${crete.id}/counts`)).json()).toEqual({
        directMembers: 2,
        subtreeMembers: 2,
        subgroups: 0,
      });
    });

    it('keeps counts when contacts go through any path: a deleted contact leaves every subtree it was in', async () => {
      const root = await fx.newGroup('Cascade');
      const child = await fx.newGroup('child', root);
      const [gone, stays] = await fx.newContacts(2);
      await fx.addMembers(root, [gone!]);
      await fx.addMembers(child, [gone!, stays!]);
      expect((await get(`/v1/groups/${root.id}/counts`)).json()).toMatchObject({
        directMembers: 1,
        subtreeMembers: 2,
      });
      await fx.pool.query('DELETE FROM contacts WHERE id = $1', [gone]);
      expect((await get(`/v1/groups/${root.id}/counts`)).json()).toMatchObject({
        directMembers: 0,
        subtreeMembers: 1,
      });
      expect((await get(`/v1/groups/${child.id}/counts`)).json()).toMatchObject({
        directMembers: 1,
        subtreeMembers: 1,
      });
    });

    it('folds piled-up count rows into one without changing the counts', async () => {
      const root = await fx.newGroup('Folding');
      const contacts = await fx.newContacts(40);
      for (const contact of contacts) await fx.addMembers(root, [contact]);
      const rowsOf = async () =>
        (
          await fx.pool.query('SELECT count(*)::int AS n FROM group_member_counts WHERE group_id = $1', [
            root.id,
          ])
        ).rows[0].n;
      expect(await rowsOf()).toBe(40);
      expect((await get(`/v1/groups/${root.id}/counts`)).json()).toMatchObject({
        directMembers: 40,
        subtreeMembers: 40,
      });
      expect(await rowsOf()).toBe(1);
      expect((await get(`/v1/groups/${root.id}/counts`)).json()).toMatchObject({
        directMembers: 40,
        subtreeMembers: 40,
      });
    });

    it('answers 400 VALIDATION_FAILED for an id that is not a UUID, and 404 for an unknown one', async () => {
      for (const url of ['/v1/groups/not-a-uuid', '/v1/groups/not-a-uuid/counts']) {
        const response = await get(url);
        expect(response.statusCode).toBe(400);
        expect(errorOf(response)).toMatchObject({ code: 'VALIDATION_FAILED' });
      }
      for (const url of [`/v1/groups/${UNKNOWN_ID}`, `/v1/groups/${UNKNOWN_ID}/counts`]) {
        const response = await get(url);
        expect(response.statusCode).toBe(404);
        expect(errorOf(response).code).toBe('GROUP_NOT_FOUND');
      }
    });
  });

  describe('GET /v1/groups/tree', () => {
    it('nests subgroups under their parents, siblings by name, with member counts', async () => {
      const root = await fx.newGroup('Tree');
      await fx.newGroup('b', root);
      const a = await fx.newGroup('a', root);
      const deep = await fx.newGroup('deep', a);
      const [x, y] = await fx.newContacts(2);
      await fx.addMembers(a, [x!]);
      await fx.addMembers(deep, [x!, y!]);
      const response = await get('/v1/groups/tree');
      expect(response.statusCode).toBe(200);
      type Node = {
        id: string;
        name: string;
        directMembers: number;
        subtreeMembers: number;
        children: Node[];
      };
      const node = (response.json().roots as Node[]).find((group) => group.id === root.id)!;
      expect(node.children.map((group) => group.name)).toEqual(['a', 'b']);
      expect(node.children[0]!.children.map((group) => group.name)).toEqual(['deep']);
      expect(node).toMatchObject({ directMembers: 0, subtreeMembers: 2 });
      expect(node.children[0]).toMatchObject({ directMembers: 1, subtreeMembers: 2 });
      expect(node.children[1]).toMatchObject({ directMembers: 0, subtreeMembers: 0 });
    });
  });

  describe('PATCH /v1/groups/:id', () => {
    let root: GroupJson;
    let greece: GroupJson;
    let crete: GroupJson;
    let turkey: GroupJson;

    beforeAll(async () => {
      root = await fx.newGroup('Interested');
      greece = await fx.newGroup('Greece', root);
      crete = await fx.newGroup('Crete', greece);
      turkey = await fx.newGroup('Turkey', root);
    });

    it('renames a group; its subtree is found under the new path', async () => {
      const response = await fx.request('PATCH', `/v1/groups/${greece.id}`, { name: 'Hellas' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ id: greece.id, name: 'Hellas' });
      expect((await get(pathQuery(`${root.name}/Hellas/Crete`))).json().id).toBe(crete.id);
      await fx.request('PATCH', `/v1/groups/${greece.id}`, { name: 'Greece' });
    });

    it('refuses a rename to a sibling name with 409 GROUP_DUPLICATE_SIBLING', async () => {
      const response = await fx.request('PATCH', `/v1/groups/${greece.id}`, { name: 'Turkey' });
      expect(response.statusCode).toBe(409);
      expect(errorOf(response).code).toBe('GROUP_DUPLICATE_SIBLING');
    });

    it('moves a subtree, rewriting the closure rows, and writes no membership events', async () => {
      const [contact] = await fx.newContacts(1);
      await fx.addMembers(crete, [contact!]);
      const moved = await fx.request('PATCH', `/v1/groups/${greece.id}`, { parentId: turkey.id });
      expect(moved.statusCode).toBe(200);
      expect(moved.json().parentId).toBe(turkey.id);
      expect((await fx.closureOf(crete.id)).ancestors).toEqual({
        [crete.id]: 0,
        [greece.id]: 1,
        [turkey.id]: 2,
        [root.id]: 3,
      });
      expect((await get(`/v1/groups/${turkey.id}/counts`)).json().subtreeMembers).toBe(1);
      expect(await fx.membershipEvents([contact!])).toEqual([]);

      const back = await fx.request('PATCH', `/v1/groups/${greece.id}`, { parentId: root.id });
      expect(back.statusCode).toBe(200);
      expect((await fx.closureOf(crete.id)).ancestors).toEqual({
        [crete.id]: 0,
        [greece.id]: 1,
        [root.id]: 2,
      });
    });

    it('makes a group a root with parentId null, and back', async () => {
      const lone = await fx.newGroup(`Lone ${fx.tag}`, turkey);
      const response = await fx.request('PATCH', `/v1/groups/${lone.id}`, { parentId: null });
      expect(response.statusCode).toBe(200);
      expect(response.json().parentId).toBeNull();
      expect((await fx.closureOf(lone.id)).ancestors).toEqual({ [lone.id]: 0 });
      expect((await get(pathQuery(`Lone ${fx.tag}`))).json().id).toBe(lone.id);
    });

    it('refuses a move under itself or one of its descendants with 409 GROUP_CYCLE', async () => {
      for (const parentId of [greece.id, crete.id]) {
        const response = await fx.request('PATCH', `/v1/groups/${greece.id}`, { parentId });
        expect(response.statusCode).toBe(409);
        expect(errorOf(response)).toMatchObject({ code: 'GROUP_CYCLE', details: { parentId } });
      }
    });

    it('refuses a move next to a sibling of the same name with 409 GROUP_DUPLICATE_SIBLING', async () => {
      const other = await fx.newGroup('Crete', turkey);
      const response = await fx.request('PATCH', `/v1/groups/${other.id}`, { parentId: greece.id });
      expect(response.statusCode).toBe(409);
      expect(errorOf(response)).toMatchObject({
        code: 'GROUP_DUPLICATE_SIBLING',
        details: { name: 'Crete' },
      });
      expect((await fx.closureOf(other.id)).ancestors).toEqual({
        [other.id]: 0,
        [turkey.id]: 1,
        [root.id]: 2,
      });
    });

    it('answers 422 for an unknown parent, 404 for an unknown group and 400 for bad input', async () => {
      const unknownParent = await fx.request('PATCH', `/v1/groups/${greece.id}`, { parentId: UNKNOWN_ID });
      expect(unknownParent.statusCode).toBe(422);
      expect(errorOf(unknownParent).code).toBe('GROUP_PARENT_NOT_FOUND');

      const unknown = await fx.request('PATCH', `/v1/groups/${UNKNOWN_ID}`, { name: 'x' });
      expect(unknown.statusCode).toBe(404);
      expect(errorOf(unknown).code).toBe('GROUP_NOT_FOUND');

      for (const [url, body] of [
        [`/v1/groups/${greece.id}`, { parentId: 'nope' }],
        [`/v1/groups/${greece.id}`, { name: '  ' }],
        [`/v1/groups/${greece.id}`, { colour: 'red' }],
        ['/v1/groups/nope', { name: 'x' }],
      ] as const) {
        const response = await fx.request('PATCH', url, body);
        expect(response.statusCode).toBe(400);
        expect(errorOf(response).code).toBe('VALIDATION_FAILED');
      }
    });
  });

  describe('DELETE /v1/groups/:id', () => {
    it('deletes an empty group, and refuses one with members or subgroups with 409 GROUP_NOT_EMPTY', async () => {
      const root = await fx.newGroup('Refuse');
      const withChild = await fx.newGroup('parent', root);
      await fx.newGroup('child', withChild);
      const withMember = await fx.newGroup('member', root);
      await fx.addMembers(withMember, await fx.newContacts(1));
      const empty = await fx.newGroup('empty', root);

      for (const [group, details] of [
        [withChild, { hasSubgroups: true, hasMembers: false }],
        [withMember, { hasSubgroups: false, hasMembers: true }],
      ] as const) {
        const response = await fx.request('DELETE', `/v1/groups/${group.id}`);
        expect(response.statusCode).toBe(409);
        expect(errorOf(response)).toMatchObject({ code: 'GROUP_NOT_EMPTY', details });
      }
      const deleted = await fx.request('DELETE', `/v1/groups/${empty.id}?strategy=refuse`);
      expect(deleted.statusCode).toBe(200);
      expect(deleted.json()).toEqual({
        deletedGroupIds: [empty.id],
        removedMemberships: 0,
        addedToParent: 0,
        movedSubgroups: 0,
      });
      expect((await get(`/v1/groups/${empty.id}`)).statusCode).toBe(404);
    });

    it('moveMembersToParent hands members and subgroups to the parent, with events in the same transaction', async () => {
      const root = await fx.newGroup('Interested');
      const hot = await fx.newGroup('Hot', root);
      const greece = await fx.newGroup('Greece', hot);
      const crete = await fx.newGroup('Crete', greece);
      const [onlyHot, alsoRoot] = await fx.newContacts(2);
      await fx.addMembers(hot, [onlyHot!, alsoRoot!], 'form');
      await fx.addMembers(root, [alsoRoot!]);

      const response = await fx.request('DELETE', `/v1/groups/${hot.id}?strategy=moveMembersToParent`);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        deletedGroupIds: [hot.id],
        removedMemberships: 2,
        addedToParent: 1,
        movedSubgroups: 1,
      });
      expect(await fx.membersOf(root.id)).toEqual([onlyHot!, alsoRoot!].sort());
      expect((await get(`/v1/groups/${greece.id}`)).json()).toMatchObject({
        parentId: root.id,
        pathSegments: [root.name, 'Greece'],
      });
      expect((await fx.closureOf(crete.id)).ancestors).toEqual({
        [crete.id]: 0,
        [greece.id]: 1,
        [root.id]: 2,
      });

      const events = await fx.membershipEvents([onlyHot!, alsoRoot!]);
      const removed = {
        type: 'contact.removed_from_group',
        actor: 'admin',
        payload: {
          groupId: hot.id,
          groupPath: [root.name, 'Hot'],
          source: 'form',
          subtreesChanged: [hot.id],
        },
      };
      expect(events).toEqual(
        expect.arrayContaining([
          { ...removed, contactId: onlyHot },
          { ...removed, contactId: alsoRoot },
          {
            type: 'contact.added_to_group',
            contactId: onlyHot,
            actor: 'admin',
            payload: { groupId: root.id, groupPath: [root.name], source: 'form', subtreesChanged: [] },
          },
        ]),
      );
      expect(events).toHaveLength(3);
    });

    it('moveMembersToParent tells the members of the lifted subgroups that they left the deleted group, once each', async () => {
      const root = await fx.newGroup('Leads');
      const hot = await fx.newGroup('Hot', root);
      const greece = await fx.newGroup('Greece', hot);
      const crete = await fx.newGroup('Crete', greece);
      const [inCrete, inBoth, inHot] = await fx.newContacts(3);
      await fx.addMembers(crete, [inCrete!, inBoth!], 'form');
      await fx.addMembers(greece, [inCrete!]);
      await fx.addMembers(hot, [inBoth!, inHot!]);

      const response = await fx.request('DELETE', `/v1/groups/${hot.id}?strategy=moveMembersToParent`);
      expect(response.statusCode).toBe(200);

      const left = (await fx.membershipEvents([inCrete!, inBoth!, inHot!])).filter(
        (event) => event.type === 'contact.removed_from_group',
      );
      const leftHot = (contactId: string, source: string) => ({
        type: 'contact.removed_from_group',
        contactId,
        actor: 'admin',
        payload: { groupId: hot.id, groupPath: [root.name, 'Hot'], source, subtreesChanged: [hot.id] },
      });
      // inCrete was only below Hot (in Greece and Crete): one event, with its first membership's source.
      expect(left).toEqual(
        expect.arrayContaining([
          leftHot(inCrete!, [crete.id, greece.id].sort()[0] === crete.id ? 'form' : 'import'),
          leftHot(inBoth!, 'import'),
          leftHot(inHot!, 'import'),
        ]),
      );
      expect(left).toHaveLength(3);
      // Still in Greece and Crete, now under Leads: no other subtree changed.
      expect(await fx.membersOf(crete.id)).toEqual([inCrete!, inBoth!].sort());
    });

    it('moveMembersToParent lets a subgroup named like its parent take its place', async () => {
      const root = await fx.newGroup('Same');
      const greece = await fx.newGroup('Greece', root);
      const inner = await fx.newGroup('Greece', greece);
      const response = await fx.request('DELETE', `/v1/groups/${greece.id}?strategy=moveMembersToParent`);
      expect(response.statusCode).toBe(200);
      expect((await get(pathQuery(`${root.name}/Greece`))).json().id).toBe(inner.id);
    });

    it('moveMembersToParent refuses a clash of subgroup names in the parent with 409', async () => {
      const root = await fx.newGroup('Clash');
      const a = await fx.newGroup('a', root);
      await fx.newGroup('x', root);
      await fx.newGroup('x', a);
      const response = await fx.request('DELETE', `/v1/groups/${a.id}?strategy=moveMembersToParent`);
      expect(response.statusCode).toBe(409);
      expect(errorOf(response)).toMatchObject({ code: 'GROUP_DUPLICATE_SIBLING', details: { names: ['x'] } });
    });

    it('moveMembersToParent refuses a root with members, but lifts the subgroups of an empty root to roots', async () => {
      const withMembers = await fx.newGroup('Root with members');
      await fx.addMembers(withMembers, await fx.newContacts(1));
      const refused = await fx.request('DELETE', `/v1/groups/${withMembers.id}?strategy=moveMembersToParent`);
      expect(refused.statusCode).toBe(409);
      expect(errorOf(refused)).toMatchObject({
        code: 'GROUP_NOT_EMPTY',
        details: { reason: 'ROOT_HAS_NO_PARENT' },
      });

      const emptyRoot = await fx.newGroup('Empty root');
      const child = await fx.newGroup(`Lifted ${fx.tag}`, emptyRoot);
      const lifted = await fx.request('DELETE', `/v1/groups/${emptyRoot.id}?strategy=moveMembersToParent`);
      expect(lifted.statusCode).toBe(200);
      expect((await get(`/v1/groups/${child.id}`)).json()).toMatchObject({ parentId: null });
      expect((await fx.closureOf(child.id)).ancestors).toEqual({ [child.id]: 0 });
    });

    it('deleteRecursive removes the subtree and its memberships, each subtree left named once', async () => {
      const root = await fx.newGroup('Travel');
      const greece = await fx.newGroup('Greece', root);
      const crete = await fx.newGroup('Crete', greece);
      const rhodes = await fx.newGroup('Rhodes', greece);
      const spain = await fx.newGroup('Spain', root);
      const [both, stays] = await fx.newContacts(2);
      await fx.addMembers(crete, [both!, stays!]);
      await fx.addMembers(rhodes, [both!], 'api');
      await fx.addMembers(spain, [stays!]);

      const response = await fx.request('DELETE', `/v1/groups/${greece.id}?strategy=deleteRecursive`);
      expect(response.statusCode).toBe(200);
      expect(response.json().removedMemberships).toBe(3);
      expect(new Set(response.json().deletedGroupIds)).toEqual(new Set([greece.id, crete.id, rhodes.id]));
      for (const id of [greece.id, crete.id, rhodes.id])
        expect((await get(`/v1/groups/${id}`)).statusCode).toBe(404);
      expect((await get(`/v1/groups/${root.id}/counts`)).json()).toEqual({
        directMembers: 0,
        subtreeMembers: 1,
        subgroups: 1,
      });

      const events = await fx.membershipEvents([both!, stays!]);
      expect(events.every((event) => event.type === 'contact.removed_from_group')).toBe(true);
      const payloadOf = (contactId: string, groupId: string) =>
        events.find((event) => event.contactId === contactId && event.payload.groupId === groupId)?.payload;
      // `both` leaves Greece and Travel too; they are named once, on the removal whose group id sorts first.
      const [first, second] = [crete.id, rhodes.id].sort();
      const firstPayload = payloadOf(both!, first!)!;
      expect(firstPayload.subtreesChanged).toEqual([first, greece.id, root.id]);
      expect(payloadOf(both!, second!)!.subtreesChanged).toEqual([second]);
      expect(payloadOf(both!, rhodes.id)).toMatchObject({
        groupPath: [root.name, 'Greece', 'Rhodes'],
        source: 'api',
      });
      // `stays` is still in Spain, so it leaves Crete and Greece but not Travel.
      expect(payloadOf(stays!, crete.id)!.subtreesChanged).toEqual([crete.id, greece.id]);
      expect(events).toHaveLength(3);
    });

    it('answers 400 VALIDATION_FAILED for an unknown strategy or id format, 404 for an unknown group', async () => {
      const root = await fx.newGroup('Strategy');
      const bad = await fx.request('DELETE', `/v1/groups/${root.id}?strategy=burn`);
      expect(bad.statusCode).toBe(400);
      expect(errorOf(bad).code).toBe('VALIDATION_FAILED');
      expect((await fx.request('DELETE', '/v1/groups/123')).statusCode).toBe(400);
      const unknown = await fx.request('DELETE', `/v1/groups/${UNKNOWN_ID}?strategy=deleteRecursive`);
      expect(unknown.statusCode).toBe(404);
      expect(errorOf(unknown).code).toBe('GROUP_NOT_FOUND');
    });
  });
});
