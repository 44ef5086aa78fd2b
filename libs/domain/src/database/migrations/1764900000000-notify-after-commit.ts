import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The NOTIFY trigger on domain_events serialised every writing commit (PostgreSQL
 * takes a global lock for notifying commits). Processes now notify after commit
 * (DomainEventNotifier), outside the writing transaction.
 */
export class NotifyAfterCommit1764900000000 implements MigrationInterface {
  name = 'NotifyAfterCommit1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER domain_events_notify ON domain_events');
    await queryRunner.query('DROP FUNCTION notify_domain_events()');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE FUNCTION notify_domain_events() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         PERFORM pg_notify('trellis_domain_events', '');
         RETURN NULL;
       END
       $$`);
    await queryRunner.query(`CREATE TRIGGER domain_events_notify AFTER INSERT ON domain_events
       FOR EACH STATEMENT EXECUTE FUNCTION notify_domain_events()`);
  }
}
