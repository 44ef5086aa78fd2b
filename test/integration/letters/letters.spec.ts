import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  emailBody,
  expectStatus,
  newContact,
  newEmailTemplate,
  openTestApi,
  publish,
  unique,
  type TestApi,
} from '../templates/template-fixtures.js';

const run = promisify(execFile);

/** The text of each page, via poppler's pdftotext (installed by scripts/setup.mjs); pages end with a form feed. */
async function pdfPages(pdf: Buffer): Promise<string[]> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'trellis-letters-'));
  try {
    const file = path.join(directory, 'letters.pdf');
    await writeFile(file, pdf);
    const { stdout } = await run('pdftotext', ['-layout', file, '-']);
    return stdout.split('\f').slice(0, -1);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

const LETTER_BODY = `<p>Dear {{default contact.firstName "customer"}} {{contact.lastName}},</p>
<p>thank you for visiting our stand. Here are our Greek island offers for the coming season.</p>
<p>Kind regards</p>`;

describe('letters', () => {
  let api: TestApi;
  let letterId: string;
  let erika: { id: string };
  let joerg: { id: string };

  beforeAll(async () => {
    api = await openTestApi();
    await expectStatus(
      await api.call('PATCH', '/v1/sender-profile', {
        name: 'Blue Aegean Travel GmbH',
        street: 'Friedrichstraße 120',
        postalCode: '10117',
        city: 'Berlin',
        country: 'DE',
      }),
      200,
    );
    const letter = await expectStatus<{ id: string }>(
      await api.call('POST', '/v1/templates', {
        name: unique('offer-letter'),
        kind: 'letter',
        subject: 'Greek island offers',
        body: LETTER_BODY,
      }),
      201,
    );
    letterId = letter.id;
    await publish(api, letterId);
    erika = await newContact(api, {
      firstName: 'Erika',
      lastName: 'Mustermann',
      street: 'Elbchaussee 42',
      postalCode: '22763',
      city: 'Hamburg',
      country: 'DE',
    });
    joerg = await newContact(api, {
      firstName: 'Jörg',
      lastName: 'Gruber',
      street: 'Mariahilfer Straße 1',
      postalCode: '1060',
      city: 'Wien',
      country: 'AT',
    });
  });

  afterAll(async () => {
    await api.app.close();
  });

  it('prints one PDF for two contacts, each letter with its address block starting on a new page', async () => {
    const response = await api.call('POST', '/v1/letters/render', {
      templateId: letterId,
      contactIds: [erika.id, joerg.id],
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.headers['x-template-version']).toBe('1');
    expect(response.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');

    const pages = await pdfPages(response.rawPayload);
    expect(pages).toHaveLength(2);
    const [first, second] = pages as [string, string];
    for (const line of ['Erika Mustermann', 'Elbchaussee 42', '22763 Hamburg', 'Dear Erika Mustermann,']) {
      expect(first).toContain(line);
    }
    for (const line of ['Jörg Gruber', 'Mariahilfer Straße 1', '1060 Wien', 'AUSTRIA', 'Dear Jörg Gruber,']) {
      expect(second).toContain(line);
    }
    expect(first).not.toContain('Gruber');
    expect(second).not.toContain('Mustermann');
    for (const page of pages) {
      // Every letter starts with the letterhead and the return line of the window envelope.
      expect(page).toContain('Blue Aegean Travel GmbH · Friedrichstraße 120 · 10117 Berlin');
      expect(page).toContain('Greek island offers');
    }
  });

  it('prints one contact, a chosen version, or the draft as a proof', async () => {
    const one = await api.call('POST', '/v1/letters/render', {
      templateId: letterId,
      contactIds: [joerg.id],
    });
    expect(one.statusCode).toBe(200);
    expect(await pdfPages(one.rawPayload)).toHaveLength(1);

    const letter = await expectStatus<{ id: string }>(
      await api.call('POST', '/v1/templates', {
        name: unique('draft-letter'),
        kind: 'letter',
        format: 'Letter',
        subject: 'Draft only',
        body: '<p>Hello {{contact.firstName}}</p>',
      }),
      201,
    );
    const unpublished = await api.call('POST', '/v1/letters/render', {
      templateId: letter.id,
      contactIds: [erika.id],
    });
    expect(unpublished.statusCode).toBe(409);
    expect(unpublished.json().error.code).toBe('TEMPLATE_NOT_PUBLISHED');
    const proof = await api.call('POST', '/v1/letters/render', {
      templateId: letter.id,
      contactIds: [erika.id],
      draft: true,
    });
    expect(proof.statusCode).toBe(200);
    expect(proof.headers['x-template-version']).toBe('draft');
    expect((await pdfPages(proof.rawPayload))[0]).toContain('Hello Erika');

    const pinned = await api.call('POST', '/v1/letters/render', {
      templateId: letterId,
      contactIds: [erika.id],
      version: 1,
    });
    expect(pinned.headers['x-template-version']).toBe('1');
  });

  it('refuses an email template, unknown contacts and bad input', async () => {
    const email = await newEmailTemplate(api, { body: emailBody('<mj-text>x</mj-text>') });
    await publish(api, email.id);
    const wrongKind = await api.call('POST', '/v1/letters/render', {
      templateId: email.id,
      contactIds: [erika.id],
    });
    expect(wrongKind.statusCode).toBe(422);
    expect(wrongKind.json().error.code).toBe('TEMPLATE_KIND_MISMATCH');

    const missing = '00000000-0000-4000-8000-000000000000';
    const unknownContact = await api.call('POST', '/v1/letters/render', {
      templateId: letterId,
      contactIds: [erika.id, missing],
    });
    expect(unknownContact.statusCode).toBe(404);
    expect(unknownContact.json().error).toMatchObject({
      code: 'CONTACT_NOT_FOUND',
      details: { contactIds: [missing] },
    });

    const unknownTemplate = await api.call('POST', '/v1/letters/render', {
      templateId: missing,
      contactIds: [erika.id],
    });
    expect(unknownTemplate.json().error.code).toBe('TEMPLATE_NOT_FOUND');

    const bad = await api.call('POST', '/v1/letters/render', {
      templateId: 'x',
      contactIds: [],
      version: 1,
      draft: 'yes',
    });
    expect(bad.statusCode).toBe(400);
    const fields = bad.json().error.details.fields.map((entry: { field: string }) => entry.field);
    expect(new Set(fields)).toEqual(new Set(['templateId', 'contactIds', 'draft']));
  });

  it('without Chromium, letters answer 503 PDF_RENDERER_UNAVAILABLE while previews and email keep working', async () => {
    const withoutChromium = await openTestApi({ chromiumPath: '/nonexistent/chromium' });
    try {
      const response = await withoutChromium.call('POST', '/v1/letters/render', {
        templateId: letterId,
        contactIds: [erika.id],
      });
      expect(response.statusCode).toBe(503);
      expect(response.json().error).toMatchObject({
        code: 'PDF_RENDERER_UNAVAILABLE',
        details: { chromiumPath: '/nonexistent/chromium' },
      });

      const letterPreview = await withoutChromium.call('POST', `/v1/templates/${letterId}/preview`, {
        contactId: erika.id,
      });
      expect(letterPreview.statusCode).toBe(200);
      expect(letterPreview.json()).toMatchObject({ subject: 'Greek island offers', version: null });
      expect(letterPreview.json().html).toContain('Elbchaussee 42');

      const email = await newEmailTemplate(withoutChromium, { subject: 'Still {{contact.firstName}}' });
      const emailPreview = await withoutChromium.call('POST', `/v1/templates/${email.id}/preview`, {
        contactId: erika.id,
      });
      expect(emailPreview.statusCode).toBe(200);
      expect(emailPreview.json().subject).toBe('Still Erika');
    } finally {
      await withoutChromium.app.close();
    }
  });
});
