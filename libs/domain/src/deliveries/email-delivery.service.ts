import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  createMimeComposer,
  type ComposedEmail,
  type LinkData,
  type MimeComposer,
} from '../../../templates/src/index.js';
import {
  CompiledTemplateService,
  type SendableEmailTemplate,
} from '../templates/compiled-template.service.js';
import { RenderDataService } from '../templates/render-data.service.js';
import type { DeliveryOutcome, SequenceDeliveryRequest } from './delivery.js';
import { DeliveryLedgerService } from './delivery-ledger.service.js';
import { DELIVERY_MAILER, type DeliveryMailer } from './delivery-mailer.js';

/** Per-contact links in sequence mail (unsubscribe, preferences); see SignedUnsubscribeLinks. */
export interface DeliveryLinks {
  linksFor(contactId: string): Promise<LinkData>;
}

export const DELIVERY_LINKS = Symbol('DELIVERY_LINKS');

const COMPOSER_CACHE_SIZE = 200;

/**
 * Sequence email: the newest published version of the template, rendered for
 * the contact, composed to MIME once per attempt with a Message-ID derived from
 * the idempotency key (so even a resend after a lost acknowledgement carries the
 * same id), and handed to SMTP through the delivery ledger.
 */
@Injectable()
export class EmailDeliveryService {
  private readonly composers = new Map<string, MimeComposer>();

  constructor(
    private readonly ledger: DeliveryLedgerService,
    private readonly templates: CompiledTemplateService,
    private readonly renderData: RenderDataService,
    @Inject(DELIVERY_MAILER) private readonly mailer: DeliveryMailer,
    @Inject(DELIVERY_LINKS) private readonly links: DeliveryLinks,
  ) {}

  send(request: SequenceDeliveryRequest): Promise<DeliveryOutcome> {
    return this.ledger.deliver<ComposedEmail>(request, {
      channel: 'email',
      prepare: async (contact) => {
        const template = await this.templates.loadForSending(request.template);
        const [data] = await this.renderData.forContacts([contact.id], await this.links.linksFor(contact.id));
        const composed = this.composer(template).compose(data!, { messageId: this.messageId(request) });
        return { prepared: composed, templateVersion: template.version };
      },
      transmitted: (composed) => ({ messageId: composed.messageId }),
      transmit: async (composed, contact) => {
        await this.mailer.send({ from: this.mailer.from.address, to: contact.email!, raw: composed.raw });
      },
    });
  }

  private composer(template: SendableEmailTemplate): MimeComposer {
    let composer = this.composers.get(template.versionId);
    if (!composer) {
      if (this.composers.size >= COMPOSER_CACHE_SIZE) this.composers.clear();
      composer = createMimeComposer(template.compiled, {
        from: this.mailer.from,
        headers: { 'X-Trellis-Template': `${template.templateName} v${template.version}` },
      });
      this.composers.set(template.versionId, composer);
    }
    return composer;
  }

  private messageId(request: SequenceDeliveryRequest): string {
    const from = this.mailer.from.address;
    const domain = from.slice(from.lastIndexOf('@') + 1);
    const id = createHash('sha256').update(request.idempotencyKey).digest('hex').slice(0, 40);
    return `<${id}@${domain}>`;
  }
}
