import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { findFreePort } from '../../libs/platform/src/index.js';
import { processesMentioning, SystemProcess } from '../support/system-process.js';

// Boots the whole system exactly as `npm start` does (embedded PostgreSQL, the
// Temporal dev server, the mail catcher, the API and the worker) and talks HTTP.
describe('the system started like `npm start`', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let base: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'trellis-e2e-'));
    await chmod(dataDir, 0o755);
    const port = await findFreePort();
    base = `http://127.0.0.1:${port}`;
    env = { ...process.env, TRELLIS_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' };
    for (const name of [
      'DATABASE_URL',
      'TEMPORAL_ADDRESS',
      'SMTP_URL',
      'TRELLIS_ADMIN_KEY',
      'TEMPORAL_UI_URL',
    ]) {
      delete env[name];
    }
    env.TRELLIS_MAIL_CATCHER_PORT = String(await findFreePort());
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  async function waitForMail(subject: string, to: string, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { mails } = (await (await fetch(`${base}/dev/mailbox`)).json()) as {
        mails: { subject: string; to: string[] }[];
      };
      const mail = mails.find((candidate) => candidate.subject === subject && candidate.to.includes(to));
      if (mail) return mail;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`no mail "${subject}" to ${to} within ${timeoutMs} ms`);
  }

  async function stopAndExpectNoOrphans(system: SystemProcess) {
    system.terminate();
    expect(await system.exited).toBe(0);
    expect(processesMentioning(dataDir)).toEqual([]);
  }

  let adminKey: string;
  let groupId: string;

  it('comes up on embedded defaults, prints its URLs and a one-time admin key, and works end to end', async () => {
    const system = new SystemProcess(env);
    try {
      await system.waitForLine(/\[trellis\] ready in/, 150_000);
      expect(system.output.join('\n')).toContain(`API docs     ${base}/docs`);
      expect(system.output.join('\n')).toMatch(/Temporal UI {2}http:\/\/127\.0\.0\.1:\d+/);
      expect(system.output.join('\n')).toContain(`Mailbox      ${base}/dev/mailbox`);
      adminKey = system.lineAfter(/Admin API key/)!.trim();
      expect(adminKey).toMatch(/^trl_/);
      const authorization = `Bearer ${adminKey}`;

      const health = await fetch(`${base}/health`);
      expect(health.status).toBe(200);

      const created = await fetch(`${base}/v1/groups`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Travel offers' }),
      });
      expect(created.status).toBe(201);
      groupId = ((await created.json()) as { id: string }).id;

      const run = await fetch(`${base}/v1/system/test-mails`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ to: 'walking-skeleton@example.com' }),
      });
      expect(run.status).toBe(202);
      const { workflowId } = (await run.json()) as { workflowId: string };
      await waitForMail('Trellis test mail', 'walking-skeleton@example.com', 20_000);
      // The mail is accepted before the workflow records the activity's result and completes.
      const statusOf = async () => {
        const response = await fetch(`${base}/v1/system/test-mails/${workflowId}`, {
          headers: { authorization },
        });
        return ((await response.json()) as { status: string }).status;
      };
      let status = await statusOf();
      for (let attempt = 0; status === 'RUNNING' && attempt < 50; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        status = await statusOf();
      }
      expect(status).toBe('COMPLETED');

      const page = await fetch(`${base}/dev/mailbox`, { headers: { accept: 'text/html' } });
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(await page.text()).toContain('walking-skeleton@example.com');
    } finally {
      await stopAndExpectNoOrphans(system);
    }
  });

  it('keeps its data across a restart and does not print a new admin key', async () => {
    const system = new SystemProcess(env);
    try {
      await system.waitForLine(/\[trellis\] ready in/, 150_000);
      expect(system.output.join('\n')).not.toContain('Admin API key');
      const tree = await fetch(`${base}/v1/groups/tree`, {
        headers: { authorization: `Bearer ${adminKey}` },
      });
      expect(tree.status).toBe(200);
      const { roots } = (await tree.json()) as { roots: { id: string }[] };
      expect(roots.map((root) => root.id)).toContain(groupId);
    } finally {
      await stopAndExpectNoOrphans(system);
    }
  });

  it('refuses to start on a bad setting with one clear line', async () => {
    const system = new SystemProcess({ ...env, DATABASE_URL: 'mysql://nope' });
    expect(await system.exited).toBe(1);
    expect(system.output).toContain('trellis failed to start: DATABASE_URL is not a postgres:// URL');
  });
});
