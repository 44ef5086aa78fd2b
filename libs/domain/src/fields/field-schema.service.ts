import { Injectable } from '@nestjs/common';
import type { CustomValue } from '../contacts/contact.js';
import { Transactions, type Db } from '../database/transactions.js';
import { FieldSchemaError } from '../errors/domain-error.js';
import { DomainEventRepository } from '../events/domain-event.repository.js';
import { decodeCursor, type Page, type PageRequest, pageSize, toPage } from '../pagination/cursor.js';
import { validateCustomValues } from './custom-values.js';
import {
  FIELD_TYPES,
  type FieldDefinition,
  type FieldDefinitionPatch,
  type NewFieldDefinition,
} from './field-definition.js';
import { FieldDefinitionRepository } from './field-definition.repository.js';

const KEY_SHAPE = /^[a-z][a-z0-9_]{0,62}$/;
const MAX_OPTIONS = 200;

function invalid(field: string, message: string): FieldSchemaError {
  return new FieldSchemaError('FIELD_DEFINITION_INVALID', message, { field });
}

function checkOptions(type: FieldDefinition['type'], options: string[]): string[] {
  if (type !== 'enum') {
    if (options.length > 0) throw invalid('options', `options are only allowed for enum fields`);
    return [];
  }
  const trimmed = options.map((option) => option.trim());
  if (trimmed.length === 0 || trimmed.length > MAX_OPTIONS) {
    throw invalid('options', `an enum field needs between 1 and ${MAX_OPTIONS} options`);
  }
  if (trimmed.some((option) => option.length === 0 || option.length > 200)) {
    throw invalid('options', 'each option must have 1 to 200 characters');
  }
  if (new Set(trimmed).size !== trimmed.length) throw invalid('options', 'options must be distinct');
  return trimmed;
}

/** The typed schema of custom contact fields, and the check of values against it. */
@Injectable()
export class FieldSchemaService {
  constructor(
    private readonly transactions: Transactions,
    private readonly fields: FieldDefinitionRepository,
    private readonly events: DomainEventRepository,
  ) {}

  async list(request: PageRequest): Promise<Page<FieldDefinition>> {
    const limit = pageSize(request.limit);
    const after = decodeCursor('fields', request.cursor, 1)?.[0];
    const rows = await this.fields.list(this.transactions.pool, after, limit + 1);
    return toPage(rows, limit, 'fields', (field) => [field.key]);
  }

  async get(key: string): Promise<FieldDefinition> {
    return (await this.fields.find(this.transactions.pool, key)) ?? this.notFound(key);
  }

  async create(input: NewFieldDefinition): Promise<FieldDefinition> {
    if (!KEY_SHAPE.test(input.key)) {
      throw invalid('key', 'a key starts with a-z and has up to 63 characters of a-z, 0-9 and _');
    }
    if (!FIELD_TYPES.includes(input.type))
      throw invalid('type', `type must be one of ${FIELD_TYPES.join(', ')}`);
    const label = input.label.trim();
    if (label.length === 0) throw invalid('label', 'label must not be blank');
    const options = checkOptions(input.type, input.options ?? []);
    return this.fields.insert(this.transactions.pool, { ...input, label, options });
  }

  /**
   * Label and options may change; the type may not, since stored values would
   * stop fitting. An enum option still held by a contact cannot be dropped.
   */
  async update(key: string, patch: FieldDefinitionPatch): Promise<FieldDefinition> {
    return this.transactions.run(async (db) => {
      const current = (await this.fields.find(db, key, 'update')) ?? this.notFound(key);
      const label = patch.label?.trim();
      if (label !== undefined && label.length === 0) throw invalid('label', 'label must not be blank');
      let options: string[] | undefined;
      if (patch.options !== undefined) {
        options = checkOptions(current.type, patch.options);
        const dropped = current.options.filter((option) => !options!.includes(option));
        const inUse = dropped.length > 0 ? await this.fields.valuesInUse(db, key, dropped) : [];
        if (inUse.length > 0) {
          throw new FieldSchemaError(
            'FIELD_DEFINITION_INVALID',
            `options still held by contacts cannot be removed: ${inUse.join(', ')}`,
            { field: 'options', inUse },
          );
        }
      }
      return (await this.fields.update(db, key, { label, options }))!;
    });
  }

  /** Deletes the field and its values; each contact that held one gets a contact.updated event. */
  async delete(key: string, actor: string): Promise<void> {
    await this.transactions.run(async (db) => {
      if (!(await this.fields.find(db, key, 'update'))) this.notFound(key);
      const held = await this.fields.removeValues(db, key);
      await this.fields.delete(db, key);
      await this.events.append(
        db,
        held.map(({ contactId, value }) => ({
          type: 'contact.updated' as const,
          contactId,
          actor,
          payload: { changes: { [`custom.${key}`]: { from: value, to: null } } },
        })),
      );
    });
  }

  /** Validates custom values inside the caller's transaction, share-locking the definitions used. */
  async validateWithin(db: Db, values: Record<string, unknown>): Promise<Record<string, CustomValue | null>> {
    const keys = Object.keys(values);
    if (keys.length === 0) return {};
    const definitions = await this.fields.lockForValues(db, keys);
    return validateCustomValues(new Map(definitions.map((field) => [field.key, field])), values);
  }

  private notFound(key: string): never {
    throw new FieldSchemaError('FIELD_NOT_FOUND', `no custom field "${key}" is defined`, { key });
  }
}
