import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The member count triggers, recast so that the everyday write stays cheap.
 *
 * The first versions aggregated both transition tables in one statement. PostgreSQL
 * plans a statement that reads a transition table afresh on every trigger call, and
 * that one took about 1 ms to plan against 0.2 ms to run: measured with
 * pg_stat_statements under bench/contacts, the trigger was 60 % of the database time of
 * a contact upsert with three groups.
 *
 * Now the transition table is only grouped by contact (a trivial plan), and one static
 * statement per contact, whose plan PL/pgSQL caches, writes that contact's deltas. A
 * contact enters X's subtree when it holds no membership below X other than the ones
 * this statement added; it leaves X's subtree when it holds none below X any more.
 *
 * Statements that touch many contacts at once (bulk actions, imports, deleting a group's
 * members) would pay one execution per contact, so from MANY_CONTACTS on the triggers keep
 * the set-based statement of the first version: its planning cost is then shared.
 * test/integration/groups-tree.property.spec.ts checks the counts against a recount for
 * both sizes.
 */
const MANY_CONTACTS = 32;

const ADDED_SET_BASED = `
         WITH changed AS (
           SELECT added.contact_id, up.ancestor_id,
                  count(*) AS below, count(*) FILTER (WHERE up.depth = 0) AS direct
           FROM added_rows added JOIN group_closure up ON up.descendant_id = added.group_id
           GROUP BY added.contact_id, up.ancestor_id
         ), held AS (
           SELECT member.contact_id, covered.ancestor_id, count(*) AS below
           FROM group_memberships member
           JOIN group_closure covered ON covered.descendant_id = member.group_id
           WHERE member.contact_id IN (SELECT contact_id FROM added_rows)
           GROUP BY member.contact_id, covered.ancestor_id
         )
         INSERT INTO group_member_counts (group_id, direct_members, subtree_members)
         SELECT changed.ancestor_id, sum(changed.direct), count(*) FILTER (WHERE held.below = changed.below)
         FROM changed JOIN held USING (contact_id, ancestor_id)
         GROUP BY changed.ancestor_id;`;

const REMOVED_SET_BASED = `
         WITH changed AS (
           SELECT removed.contact_id, up.ancestor_id, count(*) FILTER (WHERE up.depth = 0) AS direct
           FROM removed_rows removed JOIN group_closure up ON up.descendant_id = removed.group_id
           GROUP BY removed.contact_id, up.ancestor_id
         ), held AS (
           SELECT DISTINCT member.contact_id, covered.ancestor_id
           FROM group_memberships member
           JOIN group_closure covered ON covered.descendant_id = member.group_id
           WHERE member.contact_id IN (SELECT contact_id FROM removed_rows)
         )
         INSERT INTO group_member_counts (group_id, direct_members, subtree_members)
         SELECT changed.ancestor_id, -sum(changed.direct), -count(*) FILTER (WHERE held.contact_id IS NULL)
         FROM changed LEFT JOIN held USING (contact_id, ancestor_id)
         GROUP BY changed.ancestor_id;`;

export class MemberCountsPerContact1765000000000 implements MigrationInterface {
  name = 'MemberCountsPerContact1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE OR REPLACE FUNCTION group_member_counts_added() RETURNS trigger LANGUAGE plpgsql AS $$
       DECLARE
         entry record;
       BEGIN
         PERFORM pg_advisory_xact_lock_shared(7463101);
         IF (SELECT count(DISTINCT contact_id) FROM added_rows) >= ${MANY_CONTACTS} THEN
           ${ADDED_SET_BASED}
           RETURN NULL;
         END IF;
         FOR entry IN SELECT contact_id, array_agg(group_id) AS group_ids FROM added_rows GROUP BY contact_id LOOP
           INSERT INTO group_member_counts (group_id, direct_members, subtree_members)
           SELECT up.ancestor_id, count(*) FILTER (WHERE up.depth = 0),
                  CASE WHEN EXISTS (
                    SELECT 1 FROM group_memberships held
                    JOIN group_closure covered ON covered.descendant_id = held.group_id
                    WHERE held.contact_id = entry.contact_id AND covered.ancestor_id = up.ancestor_id
                      AND held.group_id <> ALL (entry.group_ids)
                  ) THEN 0 ELSE 1 END
           FROM unnest(entry.group_ids) AS added(group_id)
           JOIN group_closure up ON up.descendant_id = added.group_id
           GROUP BY up.ancestor_id;
         END LOOP;
         RETURN NULL;
       END
       $$`);
    await queryRunner.query(`CREATE OR REPLACE FUNCTION group_member_counts_removed() RETURNS trigger LANGUAGE plpgsql AS $$
       DECLARE
         entry record;
       BEGIN
         PERFORM pg_advisory_xact_lock_shared(7463101);
         IF (SELECT count(DISTINCT contact_id) FROM removed_rows) >= ${MANY_CONTACTS} THEN
           ${REMOVED_SET_BASED}
           RETURN NULL;
         END IF;
         FOR entry IN SELECT contact_id, array_agg(group_id) AS group_ids FROM removed_rows GROUP BY contact_id LOOP
           INSERT INTO group_member_counts (group_id, direct_members, subtree_members)
           SELECT up.ancestor_id, -count(*) FILTER (WHERE up.depth = 0),
                  CASE WHEN EXISTS (
                    SELECT 1 FROM group_memberships held
                    JOIN group_closure covered ON covered.descendant_id = held.group_id
                    WHERE held.contact_id = entry.contact_id AND covered.ancestor_id = up.ancestor_id
                  ) THEN 0 ELSE -1 END
           FROM unnest(entry.group_ids) AS removed(group_id)
           JOIN group_closure up ON up.descendant_id = removed.group_id
           GROUP BY up.ancestor_id;
         END LOOP;
         RETURN NULL;
       END
       $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE OR REPLACE FUNCTION group_member_counts_added() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         PERFORM pg_advisory_xact_lock_shared(7463101);
         ${ADDED_SET_BASED}
         RETURN NULL;
       END
       $$`);
    await queryRunner.query(`CREATE OR REPLACE FUNCTION group_member_counts_removed() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         PERFORM pg_advisory_xact_lock_shared(7463101);
         ${REMOVED_SET_BASED}
         RETURN NULL;
       END
       $$`);
  }
}
