import { describe, expect, it } from '@jest/globals';
import {
  check,
  checkText,
  GroupIndex,
  print,
  relinkCondition,
  type Catalog,
  type CheckedCondition,
} from '../../../rules/src/index.js';
import { EXAMPLE, GROUP, sampleCatalog, SEGMENT_FAIR } from '../../../rules/src/testing/sample-catalog.js';
import { conditionFromChecked, referencedSelections } from './stored-condition.js';

const span = { offset: 0, length: 0 };

function checked(text: string, catalog: Catalog = sampleCatalog): CheckedCondition {
  const result = checkText(text, catalog);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.checked!.selections.at(-1)!.condition;
}

function recheck(condition: CheckedCondition, catalog: Catalog, names = new Map<string, string>()) {
  return check(
    {
      statements: [
        {
          kind: 'selection',
          name: 's',
          nameSpan: span,
          condition: conditionFromChecked(condition, { segments: names }),
          span,
        },
      ],
    },
    catalog,
  );
}

const RULES = [
  'in Travel/Greece and not in Customers and createdAt within last 30 days',
  'in exactly "Travel offers" or in "A/B test"',
  '(tagged "vip" or in Interested/Hot) and subscribed',
  'city = "Berlin" and email ends with "@gmail.com" and city != "say \\"hi\\""',
  'budget >= 1000.50 and country one of ("DE", "AT", "CH") and budget != -3',
  'updatedAt more than 90 days ago and not in segment "Fair 2026"',
  'vip = true and tier one of (gold, "silver") and tier not one of (bronze)',
  'lastPurchase before 2026-11-02 or lastPurchase = 2026-01-31 or createdAt after 2025-12-31',
  'note is not empty and phone is empty and note starts with "x" and note contains ""',
  'kind = company and consent != unsubscribed',
  'in Reiseangebote/Türkei and firstName > "M"',
];

describe('conditionFromChecked: a stored checked condition back to rule syntax', () => {
  it.each(RULES)('checks back to the same checked form: %s', (rule) => {
    const original = checked(`selection "s" = ${rule}`);
    const again = recheck(original, sampleCatalog);
    expect(again.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(again.checked!.selections[0]!.condition).toEqual(original);
  });

  it('refers to nested selections by name, so they are checked as they are now', () => {
    const program = checked(EXAMPLE);
    const syntax = conditionFromChecked(program, { segments: new Map() });
    expect(
      print({ statements: [{ kind: 'selection', name: 'Nested', nameSpan: span, condition: syntax, span }] }),
    ).toBe('selection "Nested" = in selection "Greece leads" and not in selection "VIP or hot"\n');
    expect(referencedSelections(program)).toEqual(['Greece leads', 'VIP or hot']);
  });

  it('writes today’s group paths and segment names after a relink', () => {
    const original = checked('selection "s" = in Travel/Greece and in segment "Fair 2026"');
    const moved: Catalog = {
      ...sampleCatalog,
      groups: sampleCatalog.groups.map((group) =>
        group.id === GROUP.greece ? { ...group, name: 'Hellas', parentId: GROUP.customers } : group,
      ),
      segments: [{ id: SEGMENT_FAIR, name: 'Trade fair 2026' }],
    };
    const { condition } = relinkCondition(original, new GroupIndex(moved.groups));
    const names = new Map([[SEGMENT_FAIR, 'Trade fair 2026']]);
    const syntax = conditionFromChecked(condition, { segments: names });
    expect(
      print({ statements: [{ kind: 'selection', name: 's', nameSpan: span, condition: syntax, span }] }),
    ).toBe('selection "s" = in Customers/Hellas and in segment "Trade fair 2026"\n');
    const again = recheck(condition, moved, names);
    expect(again.checked!.selections[0]!.condition).toEqual(
      checked('selection "s" = in Customers/Hellas and in segment "Trade fair 2026"', moved),
    );
  });
});
