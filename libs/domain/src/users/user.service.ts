import { Injectable } from '@nestjs/common';
import { isPlausibleEmail } from '../contacts/contact-field-rules.js';
import { Transactions } from '../database/transactions.js';
import { ContactError } from '../errors/domain-error.js';
import { decodeTypedCursor } from '../contacts/cursor-parts.js';
import { type Page, type PageRequest, pageSize, toPage } from '../pagination/cursor.js';
import type { NewUser, User } from './user.js';
import { UserRepository } from './user.repository.js';

@Injectable()
export class UserService {
  constructor(
    private readonly transactions: Transactions,
    private readonly users: UserRepository,
  ) {}

  async create(input: NewUser): Promise<User> {
    const email = input.email.trim();
    if (!isPlausibleEmail(email)) {
      throw new ContactError('CONTACT_FIELD_INVALID', 'email must be an email address', { field: 'email' });
    }
    return this.users.insert(this.transactions.pool, { name: input.name.trim(), email });
  }

  async list(request: PageRequest): Promise<Page<User>> {
    const limit = pageSize(request.limit);
    const after = decodeTypedCursor('users', request.cursor, ['text', 'uuid']) as
      [string, string] | undefined;
    const rows = await this.users.list(this.transactions.pool, after, limit + 1);
    return toPage(rows, limit, 'users', (user) => [user.name, user.id]);
  }
}
