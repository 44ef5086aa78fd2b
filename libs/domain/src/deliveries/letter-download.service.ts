import { Injectable } from '@nestjs/common';
import { Transactions } from '../database/transactions.js';
import { AutomationError } from '../errors/domain-error.js';
import { DeliveryRepository } from './delivery.repository.js';

/** Letters printed by sequences, kept on their delivery row for download. */
@Injectable()
export class LetterDownloadService {
  constructor(
    private readonly transactions: Transactions,
    private readonly deliveries: DeliveryRepository,
  ) {}

  async letter(id: string): Promise<{ pdf: Buffer; fileName: string }> {
    const found = await this.deliveries.letterDocument(this.transactions.pool, id);
    if (!found) throw new AutomationError('LETTER_NOT_FOUND', `no letter ${id}`, { letterId: id });
    const base = found.templateName.replace(/[^A-Za-z0-9._-]+/g, '-');
    return { pdf: found.document, fileName: `${base}-${id.slice(0, 8)}.pdf` };
  }
}
