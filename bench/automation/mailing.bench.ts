// Scheduled mailing throughput on the real stack (see stack.ts): an activated
// `every monday at 09:00 UTC send email "…" to in Bench` statement, fired through
// its Temporal schedule, mails every contact of the group, beside a hand-written
// loop doing the bare minimum of the same work in the benchmark process: read the
// contacts a page at a time with SQL, render bare Handlebars over the template's
// MJML output, and hand each message to the same SMTP server, with as many in flight.
//
//   npm run build && tsc -p bench/automation/tsconfig.json
//   node dist/bench/automation/mailing.bench.js [--contacts 2000] [--rounds 2]
//
// Rounds alternate which side goes first. The mailing's time runs from the trigger
// to the workflow's result, and it is checked that the catcher got one message per
// contact; the baseline's from its first query to its last SMTP answer.
import { parseArgs } from 'node:util';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import Handlebars from 'handlebars';
import mjml2html from 'mjml';
import nodemailer from 'nodemailer';
import type pg from 'pg';
import { createContacts, cpuLine, machineLine, runBenchmark, type Stack, startStack } from './stack.js';

const { values: args } = parseArgs({
  options: {
    contacts: { type: 'string' },
    rounds: { type: 'string' },
    'data-dir': { type: 'string' },
  },
});
const CONTACTS = Number(args.contacts ?? 2000);
const ROUNDS = Number(args.rounds ?? 2);
const DATA_DIR = args['data-dir'] ?? '.trellis/bench-mailing';
const DATABASE = 'trellis_bench_mailing';
/** As the mailing's page delivers (ScheduledMailingService) and its page size. */
const IN_FLIGHT = 8;
const PAGE = 100;
const FROM = 'Trellis bench <bench@trellis.example>';
const SUBJECT = 'Weekly offers for {{contact.firstName}}';
const MJML = `<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Dear {{contact.firstName}}, this week's offers are in.</mj-text>
        <mj-button href="https://travel.example/offers">See the offers</mj-button>
        <mj-text><a href="{{links.unsubscribe}}">Unsubscribe</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;

function say(line: string): void {
  process.stdout.write(`[bench] ${line}\n`);
}

/** Messages the catcher has taken so far (its ids count up; it keeps only the newest). */
function caught(stack: Stack): number {
  return stack.catcher.list()[0]?.id ?? 0;
}

interface Phase {
  seconds: number;
  perSecond: number;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function mailing(stack: Stack, scheduleId: string): Promise<Phase> {
  const handle = stack.temporal.schedule.getHandle(scheduleId);
  const seen = new Set(
    (await handle.describe()).info.recentActions.map((action) => action.action.workflow.workflowId),
  );
  // A firing is named after its second: the next one must not share the last one's.
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  const received = caught(stack);
  const started = performance.now();
  await handle.trigger(ScheduleOverlapPolicy.ALLOW_ALL);
  let workflowId = '';
  await waitFor(async () => {
    const latest = (await handle.describe()).info.recentActions.at(-1)?.action.workflow.workflowId;
    if (!latest || seen.has(latest)) return false;
    workflowId = latest;
    return true;
  }, 60_000);
  const result = await stack.temporal.workflow.getHandle(workflowId).result();
  const seconds = (performance.now() - started) / 1000;
  const got = caught(stack) - received;
  if (got !== CONTACTS) throw new Error(`the catcher got ${got} messages for ${CONTACTS} contacts`);
  say(`  mailing result ${JSON.stringify(result)}`);
  return { seconds, perSecond: CONTACTS / seconds };
}

async function handWritten(stack: Stack, db: pg.Client, groupId: string, smtpUrl: string): Promise<Phase> {
  const html = (await mjml2html(MJML, { validationLevel: 'strict' })).html;
  const body = Handlebars.compile(html);
  const subject = Handlebars.compile(SUBJECT);
  const transport = nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: 5 } as never);
  const received = caught(stack);
  const started = performance.now();
  try {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const { rows } = await db.query<{ id: string; email: string; firstName: string }>(
        `SELECT c.id, c.email, c.first_name AS "firstName"
         FROM contacts c JOIN group_memberships m ON m.contact_id = c.id AND m.group_id = $1
         WHERE c.id > $2 AND c.consent <> 'unsubscribed' ORDER BY c.id LIMIT $3`,
        [groupId, after, PAGE],
      );
      let next = 0;
      const send = async () => {
        for (let index = next++; index < rows.length; index = next++) {
          const row = rows[index]!;
          const data = {
            contact: { firstName: row.firstName },
            links: { unsubscribe: `https://crm.example/u/${row.id}` },
          };
          await transport.sendMail({ from: FROM, to: row.email, subject: subject(data), html: body(data) });
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, send));
      if (rows.length < PAGE) break;
      after = rows.at(-1)!.id;
    }
  } finally {
    transport.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const got = caught(stack) - received;
  if (got !== CONTACTS) throw new Error(`the catcher got ${got} messages for ${CONTACTS} contacts`);
  return { seconds, perSecond: CONTACTS / seconds };
}

async function main(): Promise<void> {
  const stack = await startStack({ database: DATABASE, dataDir: DATA_DIR });
  const { api, db, meter } = stack;
  try {
    say(machineLine());
    say(`servers: ${stack.servers}`);
    const group = await api.call<{ id: string }>('POST', '/v1/groups', { name: 'Bench' });
    const ids = await createContacts(db, 'mailing', CONTACTS);
    for (let i = 0; i < ids.length; i += 10_000) {
      await api.call('POST', '/v1/contacts/bulk', {
        action: 'addToGroup',
        target: { ids: ids.slice(i, i + 10_000) },
        groupId: group.id,
      });
    }
    const template = await api.call<{ id: string; name: string }>('POST', '/v1/templates', {
      name: 'bench-weekly',
      kind: 'email',
      subject: SUBJECT,
      body: MJML,
    });
    await api.call('POST', `/v1/templates/${template.id}/publish`);
    const automation = await api.call<{ id: string }>('POST', '/v1/automations', {
      name: 'Bench mailing',
      source: `every monday at 09:00 UTC send email "${template.name}" to in Bench`,
    });
    await api.call('POST', `/v1/automations/${automation.id}/activate`, {});
    let scheduleId = '';
    // The worker creates the schedule within seconds of the activation.
    await waitFor(async () => {
      const { items } = await api.call<{ items: { scheduleId: string; state: string }[] }>(
        'GET',
        `/v1/automations/${automation.id}/schedules`,
      );
      scheduleId = items[0]?.scheduleId ?? '';
      return items[0]?.state === 'scheduled';
    }, 60_000);
    const smtpUrl = stack.catcher.url;
    say(`${CONTACTS} contacts in Bench; ${IN_FLIGHT} deliveries in flight on both sides, pages of ${PAGE}`);

    // Warm-up, not counted: the worker's bundle and caches, the template, the SMTP pool.
    await mailing(stack, scheduleId);
    await handWritten(stack, db, group.id, smtpUrl);

    const totals = { mailing: 0, bare: 0 };
    for (let round = 1; round <= ROUNDS; round++) {
      const order = round % 2 === 1 ? (['mailing', 'bare'] as const) : (['bare', 'mailing'] as const);
      const rates: Record<string, number> = {};
      for (const side of order) {
        const from = await meter.sample();
        const phase =
          side === 'mailing'
            ? await mailing(stack, scheduleId)
            : await handWritten(stack, db, group.id, smtpUrl);
        const to = await meter.sample();
        totals[side] += phase.seconds;
        rates[side] = phase.perSecond;
        say(
          `round ${round}, ${side === 'mailing' ? 'scheduled mailing' : 'hand-written loop'}: ${CONTACTS} emails in ` +
            `${phase.seconds.toFixed(1)} s = ${phase.perSecond.toFixed(0)}/s`,
        );
        say(`  ${cpuLine(from, to)}`);
      }
      say(
        `round ${round}: the mailing is ${((rates['mailing']! / rates['bare']!) * 100).toFixed(0)} % of the loop`,
      );
    }
    const mailingRate = (CONTACTS * ROUNDS) / totals.mailing;
    const bareRate = (CONTACTS * ROUNDS) / totals.bare;
    say(
      `${ROUNDS} round(s) of ${CONTACTS}: scheduled mailing ${mailingRate.toFixed(0)} emails/s, hand-written loop ` +
        `${bareRate.toFixed(0)} emails/s: ${((mailingRate / bareRate) * 100).toFixed(0)} %`,
    );
  } finally {
    await stack.stop();
  }
}

runBenchmark(main);
