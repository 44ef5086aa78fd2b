import { Injectable } from '@nestjs/common';
import { queryRows, violatedConstraint } from '../contacts/sql-result.js';
import type { Db } from '../database/transactions.js';
import { ContactError } from '../errors/domain-error.js';
import type { NewUser, User } from './user.js';

const COLUMNS = `id, name, email, created_at AS "createdAt"`;

@Injectable()
export class UserRepository {
  async insert(db: Db, user: NewUser): Promise<User> {
    try {
      const rows = await queryRows<User>(
        db,
        `INSERT INTO users (name, email) VALUES ($1, $2) RETURNING ${COLUMNS}`,
        [user.name, user.email],
      );
      return rows[0]!;
    } catch (error) {
      if (violatedConstraint(error, '23505') !== undefined) {
        throw new ContactError('USER_EMAIL_TAKEN', `a user with email ${user.email} already exists`, {
          field: 'email',
        });
      }
      throw error;
    }
  }

  /** Key-share locks the user so it cannot vanish before the caller's transaction commits. */
  async lockExisting(db: Db, id: string): Promise<boolean> {
    const rows = await queryRows(db, 'SELECT 1 FROM users WHERE id = $1 FOR KEY SHARE', [id]);
    return rows.length === 1;
  }

  /** Ordered by name, then id; `after` is the last (name, id) of the previous page. */
  async list(db: Db, after: [string, string] | undefined, limit: number): Promise<User[]> {
    return queryRows(
      db,
      `SELECT ${COLUMNS} FROM users
       WHERE $1::text IS NULL OR (name, id) > ($1::text, $2::uuid)
       ORDER BY name, id LIMIT $3`,
      [after?.[0] ?? null, after?.[1] ?? null, limit],
    );
  }
}
