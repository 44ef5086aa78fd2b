import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { GROUP_SQL, type GroupQueryName } from './group.sql.js';

// The committed copies under queries/ let a reviewer read (and EXPLAIN) each statement
// as plain SQL. After changing group.sql.ts: UPDATE_SQL_SNAPSHOTS=1 npm run test:unit.
const folder = new URL('./queries/', import.meta.url);
const fileName = (name: string) => `${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}.sql`;
const snapshot = (name: GroupQueryName) => `-- GROUP_SQL.${name} (group.sql.ts)\n${GROUP_SQL[name].trim()}\n`;

describe('group tree SQL snapshots', () => {
  const names = Object.keys(GROUP_SQL) as GroupQueryName[];

  if (process.env['UPDATE_SQL_SNAPSHOTS'] === '1') {
    for (const name of names) writeFileSync(new URL(fileName(name), folder), snapshot(name));
  }

  it.each(names)('queries/%s matches group.sql.ts', (name) => {
    expect(readFileSync(new URL(fileName(name), folder), 'utf8')).toBe(snapshot(name));
  });

  it('has no snapshot left over from a removed statement', () => {
    expect(readdirSync(folder).sort()).toEqual(names.map(fileName).sort());
  });
});
