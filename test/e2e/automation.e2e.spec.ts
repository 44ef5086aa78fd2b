import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  type EmbeddedService,
  findFreePort,
  READY_MESSAGE,
  resolveTemporalCli,
  startEmbeddedPostgres,
  stopChild,
  waitForPort,
} from '../../libs/platform/src/index.js';
import { ScriptedSmtp } from '../integration/automation/engine-fixtures.js';
import { processesMentioning, SystemProcess } from '../support/system-process.js';

// Follow-up sequences end to end, against real SMTP (the mail catcher) and the
// Temporal dev server. Waits are shortened with TRELLIS_SEQUENCE_WAIT_SCALE, so
// `wait 1 minute` lasts a second; everything else runs at its real speed.

const EMAIL_BODY = `<mjml><mj-body><mj-section><mj-column>
  <mj-text>Hello {{contact.firstName}}</mj-text>
  <mj-text><a href="{{links.unsubscribe}}">Unsubscribe</a></mj-text>
</mj-column></mj-section></mj-body></mjml>`;

interface Mail {
  subject: string;
  to: string[];
  headers: Record<string, string>;
}

class Http {
  constructor(
    readonly base: string,
    private readonly authorization: string,
  ) {}

  async call<T = Record<string, unknown>>(
    method: string,
    url: string,
    body?: unknown,
    expected?: number,
  ): Promise<T> {
    const response = await fetch(`${this.base}${url}`, {
      method,
      headers: {
        authorization: this.authorization,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (expected !== undefined && response.status !== expected) {
      throw new Error(
        `${method} ${url}: expected ${expected}, got ${response.status}: ${text.slice(0, 1000)}`,
      );
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

/** Groups Start/Greece, two published templates, and an active automation on them. */
async function setUpGreeceSequence(
  http: Http,
  steps: string,
): Promise<{ greeceId: string; startId: string }> {
  const start = await http.call<{ id: string }>('POST', '/v1/groups', { name: 'Start' }, 201);
  const greece = await http.call<{ id: string }>(
    'POST',
    '/v1/groups',
    { name: 'Greece', parentId: start.id },
    201,
  );
  for (const [name, subject] of [
    ['greece-welcome', 'Welcome to Greece, {{contact.firstName}}'],
    ['greece-offers', 'Greek offers'],
    ['greece-last-call', 'Last call for Greece'],
  ]) {
    const template = await http.call<{ id: string }>(
      'POST',
      '/v1/templates',
      { name, kind: 'email', subject, body: EMAIL_BODY },
      201,
    );
    await http.call('POST', `/v1/templates/${template.id}/publish`, undefined, 201);
  }
  const automation = await http.call<{ id: string; validation: { valid: boolean } }>(
    'POST',
    '/v1/automations',
    {
      name: 'Greece leads',
      source: `when added to Start/Greece start sequence "Greece follow-up"
when removed from Start/Greece stop sequence "Greece follow-up"
sequence "Greece follow-up" {
${steps}
}`,
    },
    201,
  );
  expect(automation.validation.valid).toBe(true);
  await http.call('POST', `/v1/automations/${automation.id}/activate`, {}, 201);
  return { greeceId: greece.id, startId: start.id };
}

async function eventually<T>(check: () => Promise<T>, timeoutMs: number, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}

describe('follow-up sequences on the system started like `npm start`', () => {
  let dataDir: string;
  let system: SystemProcess;
  let http: Http;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'trellis-e2e-automation-'));
    await chmod(dataDir, 0o755);
    const port = await findFreePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TRELLIS_DATA_DIR: dataDir,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      TRELLIS_SEQUENCE_WAIT_SCALE: '60',
      TRELLIS_MAIL_CATCHER_PORT: String(await findFreePort()),
    };
    for (const name of [
      'DATABASE_URL',
      'TEMPORAL_ADDRESS',
      'SMTP_URL',
      'TRELLIS_ADMIN_KEY',
      'TEMPORAL_UI_URL',
    ]) {
      delete env[name];
    }
    system = new SystemProcess(env);
    await system.waitForLine(/\[trellis\] ready in/, 150_000);
    http = new Http(`http://127.0.0.1:${port}`, `Bearer ${system.lineAfter(/Admin API key/)!.trim()}`);
  });

  afterAll(async () => {
    system?.terminate();
    await system?.exited;
    expect(processesMentioning(dataDir)).toEqual([]);
    await rm(dataDir, { recursive: true, force: true });
  });

  async function mailbox(): Promise<Mail[]> {
    return ((await (await fetch(`${http.base}/dev/mailbox`)).json()) as { mails: Mail[] }).mails;
  }

  it('sends the welcome mail within 2 s of an API add to Start/Greece, the rest after the waits, and stops when the contact is removed', async () => {
    const { greeceId } = await setUpGreeceSequence(
      http,
      `  send email "greece-welcome"
  wait 1 minute
  send email "greece-offers"
  wait 10 minutes
  send email "greece-last-call"`,
    );
    const anna = await http.call<{ id: string }>(
      'POST',
      '/v1/contacts',
      { email: 'anna@example.com', firstName: 'Anna', consent: 'subscribed' },
      201,
    );
    const added = performance.now();
    await http.call('PUT', `/v1/contacts/${anna.id}/groups/${greeceId}`, undefined, 200);
    await eventually(async () => {
      expect((await mailbox()).map((mail) => mail.subject)).toContain('Welcome to Greece, Anna');
    }, 5_000);
    const latency = performance.now() - added;
    expect(latency).toBeLessThan(2_000);

    await eventually(async () => {
      expect((await mailbox()).map((mail) => mail.subject)).toContain('Greek offers');
    }, 10_000);
    const [entry] = (
      await http.call<{ items: Record<string, unknown>[] }>(
        'GET',
        `/v1/contacts/${anna.id}/automations`,
        undefined,
        200,
      )
    ).items;
    expect(entry).toMatchObject({
      sequence: 'Greece follow-up',
      status: 'waiting',
      currentStep: 3,
      live: true,
    });
    expect(entry!.temporalUiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/namespaces\/default\/workflows\//);

    // Removing the contact from the group stops the sequence before its last mail.
    await http.call('DELETE', `/v1/contacts/${anna.id}/groups/${greeceId}`, undefined, 200);
    await eventually(async () => {
      const [ended] = (
        await http.call<{ items: Record<string, unknown>[] }>('GET', `/v1/contacts/${anna.id}/automations`)
      ).items;
      expect(ended).toMatchObject({ status: 'stopped', stopReason: 'trigger' });
    }, 10_000);
    const subjects = (await mailbox())
      .filter((mail) => mail.to.includes('anna@example.com'))
      .map((m) => m.subject);
    expect(subjects.sort()).toEqual(['Greek offers', 'Welcome to Greece, Anna']);
    process.stdout.write(`[automation e2e] welcome mail ${latency.toFixed(0)} ms after the API add\n`);
  });

  it('ends the sequence when the contact uses the one-click unsubscribe link of the mail it got', async () => {
    const newsletter = await http.call<{ id: string }>('POST', '/v1/groups', { name: 'Newsletter' }, 201);
    for (const [name, subject] of [
      ['newsletter-welcome', 'Welcome to the newsletter'],
      ['newsletter-second', 'Second newsletter'],
    ]) {
      const template = await http.call<{ id: string }>(
        'POST',
        '/v1/templates',
        { name, kind: 'email', subject, body: EMAIL_BODY },
        201,
      );
      await http.call('POST', `/v1/templates/${template.id}/publish`, undefined, 201);
    }
    const automation = await http.call<{ id: string }>(
      'POST',
      '/v1/automations',
      {
        name: 'Newsletter',
        source: `when added to Newsletter start sequence "Newsletter follow-up"
sequence "Newsletter follow-up" {
  send email "newsletter-welcome"
  wait 10 minutes
  send email "newsletter-second"
}`,
      },
      201,
    );
    await http.call('POST', `/v1/automations/${automation.id}/activate`, {}, 201);
    const bea = await http.call<{ id: string }>(
      'POST',
      '/v1/contacts',
      { email: 'bea@example.com', firstName: 'Bea', consent: 'subscribed' },
      201,
    );
    await http.call('PUT', `/v1/contacts/${bea.id}/groups/${newsletter.id}`, undefined, 200);
    const welcome = await eventually(async () => {
      const mail = (await mailbox()).find((candidate) => candidate.to.includes('bea@example.com'));
      expect(mail?.subject).toBe('Welcome to the newsletter');
      return mail!;
    }, 5_000);

    // What a mail client does for RFC 8058: POST the https (here: local) target of List-Unsubscribe.
    expect(welcome.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    const link = /<(http[^>]+)>/.exec(welcome.headers['list-unsubscribe'] ?? '')?.[1];
    expect(link?.startsWith(`${http.base}/u/`)).toBe(true);
    const response = await fetch(link!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(response.status).toBe(200);

    expect((await http.call('GET', `/v1/contacts/${bea.id}`, undefined, 200)).consent).toBe('unsubscribed');
    await eventually(async () => {
      const [entry] = (
        await http.call<{ items: Record<string, unknown>[] }>('GET', `/v1/contacts/${bea.id}/automations`)
      ).items;
      expect(entry).toMatchObject({ status: 'stopped', stopReason: 'unsubscribed' });
    }, 10_000);
    const subjects = (await mailbox())
      .filter((mail) => mail.to.includes('bea@example.com'))
      .map((m) => m.subject);
    expect(subjects).toEqual(['Welcome to the newsletter']);
  });
});

/** An app as production runs it: its own process, ready when it says so over IPC. */
class AppProcess {
  child?: ChildProcess;
  readonly output: string[] = [];

  constructor(
    private readonly entry: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  async start(): Promise<void> {
    const child = spawn(process.execPath, [path.resolve(this.entry)], {
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child = child;
    child.stdout!.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      child.on('message', (message: { type?: string }) => {
        if (message?.type === READY_MESSAGE) resolve();
      });
      child.once('exit', (code) =>
        reject(
          new Error(`${this.entry} exited with ${code} before ready:\n${this.output.join('').slice(-3000)}`),
        ),
      );
    });
  }

  kill(): Promise<void> {
    const child = this.child!;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    return exited;
  }

  stop(): Promise<void> {
    return this.child ? stopChild(this.child, 30_000) : Promise.resolve();
  }
}

/** The Temporal dev server on fixed ports and a persisted database, so it can be restarted in place. */
class TemporalServer {
  private child?: ChildProcess;

  constructor(
    private readonly dbFile: string,
    readonly port: number,
    private readonly uiPort: number,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn(
      resolveTemporalCli(process.env.TEMPORAL_CLI_PATH),
      [
        'server',
        'start-dev',
        '--db-filename',
        this.dbFile,
        '--ip',
        '127.0.0.1',
        '--port',
        String(this.port),
        '--ui-port',
        String(this.uiPort),
        '--http-port',
        String(await findFreePort()),
        '--ui-disable-news-fetch',
        '--log-level',
        'error',
      ],
      { stdio: 'ignore' },
    );
    await waitForPort(this.port, '127.0.0.1', 60_000);
  }

  stop(): Promise<void> {
    return this.child ? stopChild(this.child, 15_000) : Promise.resolve();
  }
}

describe('follow-up sequences survive faults', () => {
  const ADMIN_KEY = 'trl_e2e-automation-faults-0123456789';
  let dataDir: string;
  let postgres: EmbeddedService & { url: string };
  let pgPort: number;
  let temporal: TemporalServer;
  // Not the API's catcher: a worker killed mid-session resets its SMTP sockets, which this one shrugs off.
  const catcher = new ScriptedSmtp();
  let api: AppProcess;
  let worker: AppProcess;
  let http: Http;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'trellis-e2e-faults-'));
    await chmod(dataDir, 0o755);
    pgPort = await findFreePort();
    postgres = await startEmbeddedPostgres({ dataDir, port: pgPort });
    temporal = new TemporalServer(
      path.join(dataDir, 'temporal.db'),
      await findFreePort(),
      await findFreePort(),
    );
    await temporal.start();
    await catcher.listen();
    const port = await findFreePort();
    env = {
      ...process.env,
      TRELLIS_DATA_DIR: dataDir,
      DATABASE_URL: postgres.url,
      TEMPORAL_ADDRESS: temporal.address,
      SMTP_URL: catcher.url,
      PORT: String(port),
      TRELLIS_ADMIN_KEY: ADMIN_KEY,
      LOG_LEVEL: 'warn',
      TRELLIS_SEQUENCE_WAIT_SCALE: '60',
    };
    delete env.TEMPORAL_UI_URL;
    api = new AppProcess('dist/apps/api/src/main.js', env);
    await api.start();
    worker = new AppProcess('dist/apps/worker/src/main.js', env);
    await worker.start();
    http = new Http(`http://127.0.0.1:${port}`, `Bearer ${ADMIN_KEY}`);
  });

  afterAll(async () => {
    await worker?.stop();
    await api?.stop();
    await temporal?.stop();
    await postgres?.stop();
    await catcher.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const STEPS: [string, RegExp][] = [
    ['welcome', /^Welcome to Greece/],
    ['offers', /^Greek offers$/],
    ['last call', /^Last call for Greece$/],
  ];

  /**
   * Every contact got every email of the sequence as one message: one Message-ID
   * per (contact, step), which is derived from the step's idempotency key. SMTP
   * has no transaction with the database, so a worker killed in the milliseconds
   * between the server's 250 and the ledger's commit makes the retry hand the
   * same message (same Message-ID) over again; mail clients show it once. Those
   * resends are counted and reported. What the design guarantees, and what is
   * asserted: a message is handed over again only if it was in flight at a kill,
   * so no (contact, step) arrives more than twice after one kill, and at most one
   * message per contact (its sequence sends one step at a time) is resent.
   */
  function expectEachEmailOnce(emails: string[], label: string) {
    const ids = new Map<string, Set<string>>();
    const copiesPerEmail = new Map<string, number>();
    let copies = 0;
    for (const mail of catcher.mails) {
      const step = STEPS.find(([, pattern]) => pattern.test(mail.subject))?.[0];
      if (!step) continue;
      for (const to of mail.to) {
        const key = `${to} ${step}`;
        if (!ids.has(key)) ids.set(key, new Set());
        ids.get(key)!.add(mail.messageId);
        copiesPerEmail.set(key, (copiesPerEmail.get(key) ?? 0) + 1);
        copies += 1;
      }
    }
    const wrong: string[] = [];
    for (const email of emails) {
      for (const [step] of STEPS) {
        const found = ids.get(`${email} ${step}`)?.size ?? 0;
        if (found !== 1) wrong.push(`${email} got ${found} distinct "${step}" emails`);
      }
    }
    expect(wrong).toEqual([]);
    const resent = copies - emails.length * STEPS.length;
    process.stdout.write(
      `[automation e2e] ${label}: ${emails.length} contacts × ${STEPS.length} emails, ${resent} SMTP resends of an already accepted message\n`,
    );
    expect([...copiesPerEmail.values()].filter((count) => count > 2)).toEqual([]);
    expect(resent).toBeLessThanOrEqual(emails.length);
  }

  /** How many contacts have an email with this subject. */
  function received(subject: string): number {
    return new Set(catcher.mails.filter((mail) => mail.subject === subject).flatMap((mail) => mail.to)).size;
  }

  async function addContacts(prefix: string, count: number, groupId: string): Promise<string[]> {
    const emails: string[] = [];
    for (let i = 0; i < count; i++) {
      const email = `${prefix}-${i}@example.com`;
      const contact = await http.call<{ id: string }>(
        'POST',
        '/v1/contacts',
        { email, firstName: `P${i}` },
        201,
      );
      await http.call('PUT', `/v1/contacts/${contact.id}/groups/${groupId}`, undefined, 200);
      emails.push(email);
    }
    return emails;
  }

  let greeceId: string;

  it('sets up the sequence', async () => {
    ({ greeceId } = await setUpGreeceSequence(
      http,
      `  send email "greece-welcome"
  wait 3 minutes
  send email "greece-offers"
  wait 3 minutes
  send email "greece-last-call"`,
    ));
  });

  it('delivers each email once when the worker is SIGKILLed mid-sequence and restarted', async () => {
    catcher.clear();
    const emails = await addContacts('kill', 20, greeceId);
    await eventually(async () => expect(received('Welcome to Greece, P0')).toBe(1), 20_000);
    await worker.kill();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    worker = new AppProcess('dist/apps/worker/src/main.js', env);
    await worker.start();
    await eventually(async () => expect(received('Last call for Greece')).toBe(emails.length), 90_000, 250);
    expectEachEmailOnce(emails, 'worker SIGKILL');
  });

  it('delivers each email once when the Temporal dev server restarts mid-sequence', async () => {
    catcher.clear();
    const emails = await addContacts('temporal', 20, greeceId);
    await eventually(async () => expect(received('Welcome to Greece, P0')).toBe(1), 20_000);
    await temporal.stop();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await temporal.start();
    await eventually(async () => expect(received('Last call for Greece')).toBe(emails.length), 90_000, 250);
    expectEachEmailOnce(emails, 'Temporal restart');
  });

  it('delivers each email once when PostgreSQL restarts while the relay is busy', async () => {
    catcher.clear();
    // Contacts are added in one bulk request so the relay has a burst of events to work through.
    const ids: string[] = [];
    const emails: string[] = [];
    for (let i = 0; i < 100; i++) {
      const email = `pg-${i}@example.com`;
      const contact = await http.call<{ id: string }>(
        'POST',
        '/v1/contacts',
        { email, firstName: `P${i}` },
        201,
      );
      ids.push(contact.id);
      emails.push(email);
    }
    await http.call(
      'POST',
      '/v1/contacts/bulk',
      { action: 'addToGroup', target: { ids }, groupId: greeceId },
      200,
    );
    // The Temporal dev server (SQLite) starts some 20 workflows a second on a busy 2-core machine,
    // so the relay is still dispatching when the first welcome arrives.
    await eventually(async () => expect(received('Welcome to Greece, P0')).toBe(1), 60_000, 20).catch(
      async (error) => {
        const { default: pg } = await import('pg');
        const client = new pg.Client({ connectionString: postgres.url });
        await client.connect();
        const activity = await client.query(
          `SELECT application_name, state, xact_start, backend_xid, left(query, 120) AS query FROM pg_stat_activity WHERE datname = current_database()`,
        );
        const commands = await client.query(
          `SELECT count(*), max(attempts), max(last_error) FROM automation_commands`,
        );
        const position = await client.query(`SELECT * FROM relay_positions`);
        const events = await client.query(
          `SELECT max(seq), count(*), pg_snapshot_xmin(pg_current_snapshot())::text AS xmin, max(tx_id::text) AS maxtx FROM domain_events`,
        );
        const entries = await client.query(`SELECT status, count(*) FROM sequence_entries GROUP BY status`);
        await client.end();
        process.stdout.write(
          `DIAG ${JSON.stringify({ workerExit: worker.child?.exitCode, activity: activity.rows, commands: commands.rows, position: position.rows, events: events.rows, entries: entries.rows })}\nWORKER\n${worker.output
            .join('')
            .split('\n')
            .filter((line) => !line.includes('retried'))
            .join('\n')
            .slice(-6000)}\n`,
        );
        throw error;
      },
    );
    await postgres.stop();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    postgres = await startEmbeddedPostgres({ dataDir, port: pgPort });
    await eventually(async () => expect(received('Last call for Greece')).toBe(emails.length), 120_000, 250);
    expectEachEmailOnce(emails, 'PostgreSQL restart');
  });
});
