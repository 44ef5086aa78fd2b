import { describe, expect, it } from '@jest/globals';
import type { LinkSecretRepository } from './link-secret.repository.js';
import { LinkSecretService } from './link-secret.service.js';

/** A secrets table in memory with PostgreSQL's first-writer-wins insert, which can be made to fail. */
function table() {
  const rows = new Map<string, Buffer>();
  const calls = { inserts: 0, failNext: false };
  const repository = {
    insertIfAbsent: async (name: string, value: Buffer) => {
      calls.inserts++;
      if (calls.failNext) {
        calls.failNext = false;
        throw new Error('connection refused');
      }
      if (!rows.has(name)) rows.set(name, value);
    },
    find: async (name: string) => rows.get(name),
  } as unknown as LinkSecretRepository;
  return { rows, calls, repository };
}

describe('LinkSecretService', () => {
  it('uses TRELLIS_LINK_SECRET when it is set, without the database', async () => {
    const { repository, calls } = table();
    const service = new LinkSecretService(repository, { configuredSecret: 's'.repeat(32) });
    expect(await service.secret()).toEqual(Buffer.from('s'.repeat(32)));
    expect(calls.inserts).toBe(0);
  });

  it('otherwise shares the one stored secret between processes, whoever stored it first', async () => {
    const { repository, rows } = table();
    const processes = [1, 2, 3].map(() => new LinkSecretService(repository, {}));
    const secrets = await Promise.all(processes.map((service) => service.secret()));
    expect(secrets[0]!.length).toBe(32);
    for (const secret of secrets) expect(secret).toEqual(rows.get('link-signing'));
  });

  it('reads the database once per process', async () => {
    const { repository, calls } = table();
    const service = new LinkSecretService(repository, {});
    const [first, second] = await Promise.all([service.secret(), service.secret()]);
    expect(await service.secret()).toBe(first);
    expect(second).toBe(first);
    expect(calls.inserts).toBe(1);
  });

  it('tries again after a failed read instead of remembering the failure', async () => {
    const { repository, calls } = table();
    const service = new LinkSecretService(repository, {});
    calls.failNext = true;
    await expect(service.secret()).rejects.toThrow('connection refused');
    expect((await service.secret()).length).toBe(32);
  });
});
