import type { Catalog, CatalogGroup } from '../catalog.js';

/** Deterministic UUIDs so expected SQL params and fixtures stay readable. */
export const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

export const GROUP = {
  travel: id(1),
  greece: id(2),
  crete: id(3),
  rhodes: id(4),
  travelOffers: id(5),
  customers: id(6),
  customersVip: id(7),
  start: id(8),
  startGreece: id(9),
  interested: id(10),
  interestedHot: id(11),
  interestedGreece: id(12),
  reiseangebote: id(13),
  tuerkei: id(14),
  slashed: id(15),
} as const;

export const sampleGroups: CatalogGroup[] = [
  { id: GROUP.travel, name: 'Travel', parentId: null },
  { id: GROUP.greece, name: 'Greece', parentId: GROUP.travel },
  { id: GROUP.crete, name: 'Crete', parentId: GROUP.greece },
  { id: GROUP.rhodes, name: 'Rhodes', parentId: GROUP.greece },
  { id: GROUP.travelOffers, name: 'Travel offers', parentId: null },
  { id: GROUP.customers, name: 'Customers', parentId: null },
  { id: GROUP.customersVip, name: 'VIP', parentId: GROUP.customers },
  { id: GROUP.start, name: 'Start', parentId: null },
  { id: GROUP.startGreece, name: 'Greece', parentId: GROUP.start },
  { id: GROUP.interested, name: 'Interested', parentId: null },
  { id: GROUP.interestedHot, name: 'Hot', parentId: GROUP.interested },
  { id: GROUP.interestedGreece, name: 'Greece', parentId: GROUP.interested },
  { id: GROUP.reiseangebote, name: 'Reiseangebote', parentId: null },
  { id: GROUP.tuerkei, name: 'Türkei', parentId: GROUP.reiseangebote },
  { id: GROUP.slashed, name: 'A/B test', parentId: null },
];

export const SEGMENT_FAIR = id(100);

export const sampleCatalog: Catalog = {
  groups: sampleGroups,
  customFields: [
    { key: 'budget', type: 'number' },
    { key: 'vip', type: 'boolean' },
    { key: 'lastPurchase', type: 'date' },
    { key: 'tier', type: 'enum', values: ['gold', 'silver', 'bronze'] },
    { key: 'note', type: 'text' },
  ],
  tags: ['vip', 'hot'],
  segments: [{ id: SEGMENT_FAIR, name: 'Fair 2026' }],
  selections: [],
  templates: [
    { name: 'greece-welcome', channel: 'email' },
    { name: 'greece-offers', channel: 'email' },
    { name: 'weekly-offers', channel: 'email' },
    { name: 'vip-welcome', channel: 'email' },
    { name: 'greece-brochure', channel: 'letter' },
  ],
  sequences: [],
};

/** The language tour from the documentation: every statement form at least once. */
export const EXAMPLE = `# comments start with '#'
selection "Greece leads" =
  in Travel/Greece                      # member of Travel/Greece or of any subgroup of it
  and not in Customers                  # not in Customers nor any subgroup
  and createdAt within last 30 days

selection "Direct only" = in exactly "Travel offers"   # direct members only, no subgroups
selection "VIP or hot" = (tagged "vip" or in Interested/Hot) and subscribed
selection "Berlin gmail" = city = "Berlin" and email ends with "@gmail.com"
selection "Big budget" = budget >= 1000 and country one of ("DE", "AT", "CH")   # budget: a custom number field
selection "Stale" = updatedAt more than 90 days ago and not in segment "Fair 2026"
selection "Nested" = in selection "Greece leads" and not in selection "VIP or hot"

when added to Start/Greece start sequence "Greece follow-up"             # entering the subtree, re-entry: once (default)
when added to Start/Greece if country = "DE" start sequence "Greece DE" every time
when removed from Start/Greece stop sequence "Greece follow-up"
when tagged "vip" start sequence "VIP welcome" once per 30 days

sequence "Greece follow-up" {
  send email "greece-welcome"
  wait 2 days
  stop if in Customers
  send email "greece-offers"
  wait until monday 09:00               # in the contact's time zone, else the account's
  add to Interested/Greece
  remove from Start/Greece
  send letter "greece-brochure"
}

sequence "Greece DE" {
  send email "greece-offers"
}

sequence "VIP welcome" {
  send email "vip-welcome"
}

every monday at 09:00 Europe/Berlin send email "weekly-offers" to selection "Greece leads"
`;
