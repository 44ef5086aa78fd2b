import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';
import { DOMAIN_EVENTS_CHANNEL, DomainEventRepository, Transactions } from '../../libs/domain/src/index.js';
import { createTestApi } from '../support/test-api.js';
import { testDatabaseUrl } from '../support/test-env.js';

describe('domain event wake-ups', () => {
  let app: NestFastifyApplication;
  let listener: pg.Client;
  const received: number[] = [];

  beforeAll(async () => {
    ({ app } = await createTestApi());
    listener = new pg.Client({ connectionString: testDatabaseUrl() });
    await listener.connect();
    listener.on('notification', () => received.push(Date.now()));
    await listener.query(`LISTEN ${DOMAIN_EVENTS_CHANNEL}`);
  });

  afterAll(async () => {
    await listener.end();
    await app.close();
  });

  async function settle() {
    await new Promise((resolve) => setTimeout(resolve, 300));
  }

  it('notifies consumers once the writing transaction has committed', async () => {
    const transactions = app.get(Transactions);
    const events = app.get(DomainEventRepository);
    received.length = 0;
    let notifiedBeforeCommit = false;
    await transactions.run(async (db) => {
      await events.append(db, [{ type: 'contact.updated', contactId: null, actor: 'test', payload: {} }]);
      await settle();
      notifiedBeforeCommit = received.length > 0;
    });
    await settle();
    expect(notifiedBeforeCommit).toBe(false);
    expect(received.length).toBeGreaterThanOrEqual(1);
  });

  it('sends nothing for a transaction that rolls back', async () => {
    const transactions = app.get(Transactions);
    const events = app.get(DomainEventRepository);
    received.length = 0;
    await expect(
      transactions.run(async (db) => {
        await events.append(db, [{ type: 'contact.updated', contactId: null, actor: 'test', payload: {} }]);
        throw new Error('rolled back on purpose');
      }),
    ).rejects.toThrow('rolled back on purpose');
    await settle();
    expect(received).toEqual([]);
  });
});
