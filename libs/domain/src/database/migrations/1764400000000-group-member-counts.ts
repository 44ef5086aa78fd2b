import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Maintained member counts per group. Counting the distinct members of a large
 * subtree live reads every one of its memberships (about 0.35 µs each: 360 ms for
 * the ~1M memberships under Travel/Greece in bench/groups), so the counts are kept
 * as they change instead.
 *
 * `group_member_counts` is append-only: each statement that changes memberships adds
 * one delta row per affected group, and a group's count is the sum of its rows. No
 * row is ever updated, so concurrent writers never wait on a shared counter (a root
 * such as Newsletter would otherwise be one hot row for every signup);
 * GroupRepository.compactCounts folds the rows of a group back into one.
 *
 * The statement triggers see every writer (API, imports, forms, cascades from a
 * deleted contact). A contact enters X's subtree when a new membership lies below X
 * and none of its other memberships does; it leaves when the last one below X goes.
 * Writers that change one contact's memberships concurrently must serialise on the
 * contact row (MembershipService does), or both could count the same entry.
 * Group moves adjust the counts above the moved subtree themselves (GroupRepository.move);
 * deleting groups removes their memberships first, while the closure rows still exist.
 * The shared tree lock (the same key as GROUP_TREE_LOCK_KEY) keeps membership changes
 * and group moves from interleaving.
 */
export class GroupMemberCounts1764400000000 implements MigrationInterface {
  name = 'GroupMemberCounts1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE group_member_counts (
        group_id uuid NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
        direct_members bigint NOT NULL,
        subtree_members bigint NOT NULL
      )`,
      `CREATE INDEX group_member_counts_group_idx ON group_member_counts (group_id)`,
      `INSERT INTO group_member_counts (group_id, direct_members, subtree_members)
       SELECT below.ancestor_id,
              count(*) FILTER (WHERE below.depth = 0),
              count(DISTINCT member.contact_id)
       FROM group_closure below JOIN group_memberships member ON member.group_id = below.descendant_id
       GROUP BY below.ancestor_id`,

      // A contact enters X's subtree when all its memberships below X are new: the
      // statement's rows below X are as many as its memberships below X now. Both sides
      // are aggregated once and hash-joined: the transition table has no index to probe.
      `CREATE FUNCTION group_member_counts_added() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         PERFORM pg_advisory_xact_lock_shared(7463101);
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
         GROUP BY changed.ancestor_id;
         RETURN NULL;
       END
       $$`,
      `CREATE TRIGGER group_memberships_counts_added AFTER INSERT ON group_memberships
       REFERENCING NEW TABLE AS added_rows FOR EACH STATEMENT EXECUTE FUNCTION group_member_counts_added()`,

      // A contact leaves X's subtree when none of its memberships below X remains.
      `CREATE FUNCTION group_member_counts_removed() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         PERFORM pg_advisory_xact_lock_shared(7463101);
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
         GROUP BY changed.ancestor_id;
         RETURN NULL;
       END
       $$`,
      `CREATE TRIGGER group_memberships_counts_removed AFTER DELETE ON group_memberships
       REFERENCING OLD TABLE AS removed_rows FOR EACH STATEMENT EXECUTE FUNCTION group_member_counts_removed()`,

      // Memberships are added and removed, never rewritten in place: the counts rely on it.
      `CREATE FUNCTION group_memberships_fixed_keys() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         RAISE EXCEPTION 'group_memberships.contact_id and group_id are not updated in place; delete and insert';
       END
       $$`,
      `CREATE TRIGGER group_memberships_fixed_keys BEFORE UPDATE OF contact_id, group_id ON group_memberships
       FOR EACH ROW WHEN (OLD.contact_id IS DISTINCT FROM NEW.contact_id OR OLD.group_id IS DISTINCT FROM NEW.group_id)
       EXECUTE FUNCTION group_memberships_fixed_keys()`,
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER group_memberships_fixed_keys ON group_memberships');
    await queryRunner.query('DROP TRIGGER group_memberships_counts_removed ON group_memberships');
    await queryRunner.query('DROP TRIGGER group_memberships_counts_added ON group_memberships');
    await queryRunner.query('DROP FUNCTION group_memberships_fixed_keys()');
    await queryRunner.query('DROP FUNCTION group_member_counts_removed()');
    await queryRunner.query('DROP FUNCTION group_member_counts_added()');
    await queryRunner.query('DROP TABLE group_member_counts');
  }
}
