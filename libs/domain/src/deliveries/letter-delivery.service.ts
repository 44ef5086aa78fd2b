import { Injectable } from '@nestjs/common';
import { TemplateError } from '../errors/domain-error.js';
import { LetterService } from '../letters/letter.service.js';
import { Transactions } from '../database/transactions.js';
import { TemplateRepository } from '../templates/template.repository.js';
import type { DeliveryOutcome, SequenceDeliveryRequest } from './delivery.js';
import { DeliveryLedgerService } from './delivery-ledger.service.js';

/**
 * Sequence letters: printed to PDF for the one contact and kept on the delivery
 * row for download (GET /v1/letters/:id, LetterDownloadService), through the same ledger as email.
 */
@Injectable()
export class LetterDeliveryService {
  constructor(
    private readonly transactions: Transactions,
    private readonly ledger: DeliveryLedgerService,
    private readonly templates: TemplateRepository,
    private readonly letters: LetterService,
  ) {}

  send(request: SequenceDeliveryRequest): Promise<DeliveryOutcome> {
    return this.ledger.deliver<{ pdf: Buffer }>(request, {
      channel: 'letter',
      prepare: async (contact) => {
        const template = await this.templates.findByName(this.transactions.pool, request.template);
        if (!template) {
          throw new TemplateError('TEMPLATE_NOT_FOUND', `no template named "${request.template}"`, {
            template: request.template,
          });
        }
        const rendered = await this.letters.render({ templateId: template.id, contactIds: [contact.id] });
        return { prepared: { pdf: rendered.pdf }, templateVersion: rendered.version };
      },
      transmitted: ({ pdf }) => ({ document: pdf }),
      transmit: async () => undefined,
    });
  }
}
