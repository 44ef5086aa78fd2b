import type { Random } from './random.js';

export interface GeneratedGroup {
  index: number;
  id: string;
  parentId: string | null;
  name: string;
  /** 1 for a root. */
  depth: number;
  /** Ids from the root down to the group itself. */
  ancestors: string[];
  /** Popularity rank for memberships (1 = largest) for the groups that have a realistic size. */
  rank?: number;
}

export const MAX_DEPTH = 8;

const GREECE_REGIONS = [
  'Crete',
  'Rhodes',
  'Corfu',
  'Athens',
  'Thessaloniki',
  'Peloponnese',
  'Cyclades',
  'Dodecanese',
  'Halkidiki',
  'Kos',
  'Santorini',
  'Mykonos',
  'Naxos',
  'Zakynthos',
  'Kefalonia',
  'Lefkada',
  'Paros',
  'Samos',
  'Lesbos',
];
const TRIP_WORDS = [
  'Summer 2025',
  'Autumn 2025',
  'Spring 2026',
  'Hotels',
  'Apartments',
  'Villas',
  'Family',
  'Couples',
  'Adults only',
  'Beach',
  'Mountain',
  'Last minute',
  'Early booking',
  'Offers',
  'Requests',
  'Bookings',
  'Cancelled',
  'Island hopping',
  'Round trip',
  'Sailing',
  'Wellness',
  'Hiking',
  'Culture',
  'Gastronomy',
];
const FILLER_WORDS = [
  'Leads',
  'Prospects',
  'Webinar',
  'Trade fair',
  'Campaign',
  'Region',
  'Team',
  'Brochure',
  'Catalogue',
  'Referral',
  'Club',
  'Seminar',
  'Workshop',
  'Survey',
  'Feedback',
  'Winback',
  'Birthday',
  'Messe',
  'Rückruf',
  'Интерес',
  'Kundenstamm',
  'Zürich',
  'Anfragen',
  'Ausflüge',
  'Gewinnspiel',
];

/**
 * A forest of `count` groups: named roots (Travel, Customers, Interested, Start, …),
 * a Travel/Greece subtree of about a tenth of all groups (several hundred at 5,000),
 * and the rest grown at random under any group above the maximum depth.
 * Parents always come before their children.
 */
export function buildGroupTree(count: number, random: Random): GeneratedGroup[] {
  const groups: GeneratedGroup[] = [];
  const siblingNames = new Map<string | null, Set<string>>();

  const add = (parent: GeneratedGroup | null, wanted: string, rank?: number): GeneratedGroup | undefined => {
    if (groups.length >= count) return undefined;
    const key = parent?.id ?? null;
    const taken = siblingNames.get(key) ?? new Set<string>();
    siblingNames.set(key, taken);
    let name = wanted;
    for (let suffix = 2; taken.has(name); suffix++) name = `${wanted} ${suffix}`;
    taken.add(name);
    const id = random.uuid();
    const group: GeneratedGroup = {
      index: groups.length,
      id,
      parentId: parent?.id ?? null,
      name,
      depth: (parent?.depth ?? 0) + 1,
      ancestors: [...(parent?.ancestors ?? []), id],
      ...(rank === undefined ? {} : { rank }),
    };
    groups.push(group);
    return group;
  };
  const children = (parent: GeneratedGroup | undefined, names: readonly string[]) => {
    if (parent) for (const name of names) add(parent, name);
  };

  const newsletter = add(null, 'Newsletter', 1);
  const customers = add(null, 'Customers', 2);
  const travel = add(null, 'Travel', 8);
  const interested = add(null, 'Interested', 12);
  const start = add(null, 'Start', 30);
  const greece = travel && add(travel, 'Greece', 6);
  const hot = interested && add(interested, 'Hot', 5);
  if (start) add(start, 'Greece', 20);
  children(newsletter, ['Weekly', 'Monthly', 'Last minute']);
  children(customers, ['2021', '2022', '2023', '2024', '2025', 'VIP', 'Lapsed']);
  children(travel, [
    'Spain',
    'Italy',
    'Turkey',
    'Portugal',
    'Croatia',
    'Cyprus',
    'Egypt',
    'Norway',
    'Iceland',
  ]);
  children(interested, ['Warm', 'Cold']);
  children(hot, ['Greece', 'Spain']);
  children(start, ['Spain', 'Italy']);
  for (const root of ['Events', 'Partners', 'A/B tests', 'Archive']) add(null, root);
  const reise = add(null, 'Reiseangebote');
  children(reise, ['Griechenland', 'Türkei']);
  add(null, 'Первый контакт');

  if (greece) {
    const greeceGroups = [greece];
    for (const region of GREECE_REGIONS) {
      const added = add(greece, region);
      if (added) greeceGroups.push(added);
    }
    const target = Math.min(Math.round(count * 0.1), 600);
    while (greeceGroups.length < target && groups.length < count) {
      const parent = random.pick(greeceGroups);
      if (parent.depth >= MAX_DEPTH) continue;
      const added = add(parent, random.pick(TRIP_WORDS));
      if (added) greeceGroups.push(added);
    }
  }

  const greeceId = greece?.id;
  while (groups.length < count) {
    const parent = groups.length === 0 ? null : random.pick(groups);
    if (parent && greeceId !== undefined && parent.ancestors.includes(greeceId)) continue;
    if (parent && parent.depth >= MAX_DEPTH) {
      add(null, random.pick(FILLER_WORDS));
      continue;
    }
    add(parent, random.pick(FILLER_WORDS));
  }
  return groups;
}
