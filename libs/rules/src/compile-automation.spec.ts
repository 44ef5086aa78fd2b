import { describe, expect, it } from '@jest/globals';
import { checkText } from './check.js';
import {
  AUTOMATION_DEFINITION_VERSION,
  compileAutomation,
  firedGroupTriggers,
  subtreeTransition,
} from './compile-automation.js';
import { GroupIndex } from './catalog.js';
import { EXAMPLE, GROUP, sampleCatalog, sampleGroups } from './testing/sample-catalog.js';

function definitions(text: string) {
  const result = checkText(text, sampleCatalog);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return compileAutomation(result.checked!);
}

describe('compileAutomation', () => {
  const compiled = definitions(EXAMPLE);

  it('stamps the definition version and survives a JSON round trip', () => {
    expect(compiled.definitionVersion).toBe(AUTOMATION_DEFINITION_VERSION);
    expect(JSON.parse(JSON.stringify(compiled))).toEqual(compiled);
  });

  it('compiles group and tag triggers with resolved ids, conditions and re-entry', () => {
    expect(compiled.triggers).toEqual([
      {
        kind: 'groupEntered',
        groupId: GROUP.startGreece,
        groupPath: ['Start', 'Greece'],
        action: { type: 'startSequence', sequence: 'Greece follow-up' },
        reentry: { policy: 'once' },
      },
      {
        kind: 'groupEntered',
        groupId: GROUP.startGreece,
        groupPath: ['Start', 'Greece'],
        condition: {
          kind: 'compare',
          field: { source: 'builtin', name: 'country', column: 'country', type: { kind: 'text' } },
          op: '=',
          value: 'DE',
        },
        action: { type: 'startSequence', sequence: 'Greece DE' },
        reentry: { policy: 'everyTime' },
      },
      {
        kind: 'groupLeft',
        groupId: GROUP.startGreece,
        groupPath: ['Start', 'Greece'],
        action: { type: 'stopSequence', sequence: 'Greece follow-up' },
      },
      {
        kind: 'tagAdded',
        tag: 'vip',
        action: { type: 'startSequence', sequence: 'VIP welcome' },
        reentry: { policy: 'oncePerDays', days: 30 },
      },
    ]);
  });

  it('compiles sequence steps in order, with waits in seconds and group ids', () => {
    expect(compiled.sequences[0]).toEqual({
      name: 'Greece follow-up',
      steps: [
        { type: 'sendEmail', template: 'greece-welcome' },
        { type: 'wait', seconds: 172800 },
        {
          type: 'stopIf',
          condition: {
            kind: 'inGroup',
            group: { groupId: GROUP.customers, path: ['Customers'] },
            exactly: false,
            subtree: [
              { groupId: GROUP.customers, path: ['Customers'] },
              { groupId: GROUP.customersVip, path: ['Customers', 'VIP'] },
            ],
          },
        },
        { type: 'sendEmail', template: 'greece-offers' },
        { type: 'waitUntil', weekday: 'monday', time: '09:00', hour: 9, minute: 0, timeZone: 'contact' },
        { type: 'addToGroup', groupId: GROUP.interestedGreece, groupPath: ['Interested', 'Greece'] },
        { type: 'removeFromGroup', groupId: GROUP.startGreece, groupPath: ['Start', 'Greece'] },
        { type: 'sendLetter', template: 'greece-brochure' },
      ],
    });
  });

  it('compiles a schedule with a cron expression, zone and the inlined audience', () => {
    const [schedule] = compiled.schedules;
    expect(schedule).toMatchObject({
      weekday: 'monday',
      time: '09:00',
      cron: '0 9 * * 1',
      timeZone: 'Europe/Berlin',
      action: { type: 'sendEmail', template: 'weekly-offers', audience: { selection: 'Greece leads' } },
    });
    expect(schedule!.action.audience.condition).toMatchObject({
      kind: 'inSelection',
      name: 'Greece leads',
      condition: { kind: 'and', operands: [{ kind: 'inGroup' }, { kind: 'not' }, { kind: 'relativeDate' }] },
    });
  });

  it('writes every day and a missing zone explicitly', () => {
    const [schedule] = definitions(
      'every day at 18:30 send letter "greece-brochure" to tagged "vip"',
    ).schedules;
    expect(schedule).toMatchObject({ weekday: null, cron: '30 18 * * *', timeZone: null });
    expect(schedule!.action.audience).toEqual({ condition: { kind: 'tagged', tag: 'vip' } });
  });

  it('compiles tag steps and waits until a time on the next day', () => {
    const [sequence] = definitions(
      'sequence "S" { add tag "x" remove tag "vip" wait until 7:05 wait 90 minutes }',
    ).sequences;
    expect(sequence!.steps).toEqual([
      { type: 'addTag', tag: 'x' },
      { type: 'removeTag', tag: 'vip' },
      { type: 'waitUntil', time: '07:05', hour: 7, minute: 5, timeZone: 'contact' },
      { type: 'wait', seconds: 5400 },
    ]);
  });
});

describe('entering and leaving a subtree', () => {
  const groups = new GroupIndex(sampleGroups);
  const travel = groups.subtree(GROUP.travel).map((g) => g.groupId);

  it('fires "entered" only when the contact was in none of the subtree before', () => {
    expect(subtreeTransition(travel, [], [GROUP.crete])).toBe('entered');
    expect(subtreeTransition(travel, [GROUP.customers], [GROUP.customers, GROUP.travel])).toBe('entered');
  });

  it('does not fire when moving between two subgroups', () => {
    expect(subtreeTransition(travel, [GROUP.crete], [GROUP.rhodes])).toBeNull();
    expect(subtreeTransition(travel, [GROUP.crete], [GROUP.crete, GROUP.greece])).toBeNull();
  });

  it('fires "left" only when the last membership in the subtree ends', () => {
    expect(subtreeTransition(travel, [GROUP.crete, GROUP.rhodes], [GROUP.rhodes])).toBeNull();
    expect(subtreeTransition(travel, [GROUP.rhodes], [])).toBe('left');
  });

  it('picks the triggers a membership change fires', () => {
    const { triggers } = definitions(`when added to Travel start sequence "A"
when removed from Travel stop sequence "A"
when added to Travel/Greece/Crete start sequence "A"
when tagged "vip" start sequence "A"
sequence "A" { wait 1 day }`);
    const subtreeOf = (id: string) => groups.subtree(id).map((g) => g.groupId);
    const fired = (before: string[], after: string[]) =>
      firedGroupTriggers(triggers, before, after, subtreeOf).map(
        (t) => `${t.kind}:${'groupPath' in t ? t.groupPath.join('/') : ''}`,
      );
    expect(fired([], [GROUP.crete])).toEqual(['groupEntered:Travel', 'groupEntered:Travel/Greece/Crete']);
    expect(fired([GROUP.crete], [GROUP.rhodes])).toEqual([]);
    expect(fired([GROUP.rhodes], [])).toEqual(['groupLeft:Travel']);
  });
});
