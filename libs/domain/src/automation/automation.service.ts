import { Injectable } from '@nestjs/common';
import {
  checkText,
  compileAutomation,
  hasErrors,
  type AutomationDefinitions,
  type Catalog,
  type Diagnostic,
} from '../../../rules/src/index.js';
import { violatedConstraint } from '../contacts/sql-result.js';
import { Transactions, type Db } from '../database/transactions.js';
import { AutomationError } from '../errors/domain-error.js';
import { RuleCatalogService } from '../rules/rule-catalog.service.js';
import { TemplateRepository } from '../templates/template.repository.js';
import type { Automation, AutomationVersion } from './automation.js';
import { AutomationRepository } from './automation.repository.js';

export interface AutomationValidation {
  /** No errors (warnings allowed): activation would succeed now. */
  valid: boolean;
  diagnostics: Diagnostic[];
}

export interface SavedAutomation {
  automation: Automation;
  validation: AutomationValidation;
}

export interface ActivationOptions {
  /** Entries end when the contact leaves the group whose trigger started them. */
  exitOnLeavingStartGroup?: boolean;
}

const NAME_MAX = 200;

function position(source: string, offset: number): { line: number; column: number } {
  const before = source.slice(0, offset);
  const lines = before.split(/\r\n|\r|\n/);
  return { line: lines.length, column: lines.at(-1)!.length + 1 };
}

/** A diagnostic at the first quoted occurrence of a name, for checks the rule checker cannot make. */
function diagnosticAt(source: string, name: string, message: string, code: string): Diagnostic {
  const quoted = `"${name}"`;
  const found = source.indexOf(quoted);
  const offset = found === -1 ? 0 : found;
  return {
    offset,
    length: found === -1 ? 0 : quoted.length,
    ...position(source, offset),
    severity: 'error',
    message,
    code,
  };
}

function checkName(name: string): string {
  const trimmed = name.normalize('NFC').trim();
  if (trimmed.length === 0 || trimmed.length > NAME_MAX) {
    throw new AutomationError('AUTOMATION_INVALID', `an automation name has 1 to ${NAME_MAX} characters`, {
      field: 'name',
    });
  }
  return trimmed;
}

/**
 * Automations written in the rule language. Saving keeps the text and reports its
 * problems; activating compiles it against the live catalog (groups, fields,
 * tags, segments, selections, published templates, sequences of the other active
 * automations) into a new immutable version that the relay uses from then on.
 * Running entries keep the version they started with: the definition travels
 * inside their workflow input.
 */
@Injectable()
export class AutomationService {
  constructor(
    private readonly transactions: Transactions,
    private readonly automations: AutomationRepository,
    private readonly catalogs: RuleCatalogService,
    private readonly templates: TemplateRepository,
  ) {}

  async list(): Promise<Automation[]> {
    return this.automations.list(this.transactions.pool);
  }

  async get(id: string): Promise<Automation> {
    return this.require(this.transactions.pool, id);
  }

  async create(input: { name: string; source: string }): Promise<SavedAutomation> {
    const name = checkName(input.name);
    const automation = await this.transactions.run(async (db) => {
      try {
        return await this.automations.insert(db, { name, source: input.source });
      } catch (error) {
        throw this.nameTaken(error, name);
      }
    });
    return { automation, validation: await this.validate(input.source, automation.id) };
  }

  async update(id: string, patch: { name?: string; source?: string }): Promise<SavedAutomation> {
    const name = patch.name === undefined ? undefined : checkName(patch.name);
    const automation = await this.transactions.run(async (db) => {
      await this.require(db, id, true);
      try {
        await this.automations.update(db, id, { name, source: patch.source });
      } catch (error) {
        throw this.nameTaken(error, name ?? '');
      }
      return this.require(db, id);
    });
    return { automation, validation: await this.validate(automation.source, id) };
  }

  /** Every problem activation would report, without saving anything. */
  async validate(source: string, automationId?: string): Promise<AutomationValidation> {
    const { diagnostics } = await this.compile(this.transactions.pool, source, automationId);
    return { valid: !hasErrors(diagnostics), diagnostics };
  }

  /** Compiles the saved text into a new active version; AUTOMATION_INVALID carries the diagnostics. */
  async activate(id: string, options: ActivationOptions, actor: string): Promise<AutomationVersion> {
    return this.transactions.run(async (db) => {
      await this.automations.lockActivation(db);
      const automation = await this.require(db, id, true);
      const { diagnostics, definitions } = await this.compile(db, automation.source, id);
      if (!definitions) {
        const errors = diagnostics.filter((d) => d.severity === 'error');
        const first = errors[0];
        throw new AutomationError(
          'AUTOMATION_INVALID',
          `the automation has ${errors.length} problem${errors.length === 1 ? '' : 's'}` +
            (first ? ` (line ${first.line}, column ${first.column}: ${first.message})` : ''),
          { diagnostics },
        );
      }
      const version = await this.automations.insertVersion(db, {
        automationId: id,
        source: automation.source,
        definitions,
        exitOnLeavingStartGroup: options.exitOnLeavingStartGroup ?? false,
        createdBy: actor,
      });
      await this.automations.setActiveVersion(db, id, version.id);
      return version;
    });
  }

  /** New events start nothing from it; running entries go on with their version. */
  async deactivate(id: string): Promise<Automation> {
    return this.transactions.run(async (db) => {
      await this.require(db, id, true);
      await this.automations.setActiveVersion(db, id, null);
      return this.require(db, id);
    });
  }

  async versions(id: string): Promise<AutomationVersion[]> {
    const db = this.transactions.pool;
    await this.require(db, id);
    return this.automations.versions(db, id);
  }

  async version(id: string, version: number): Promise<AutomationVersion> {
    const db = this.transactions.pool;
    await this.require(db, id);
    const found = await this.automations.version(db, id, version);
    if (!found) {
      throw new AutomationError(
        'AUTOMATION_VERSION_NOT_FOUND',
        `automation ${id} has no version ${version}`,
        {
          automationId: id,
          version,
        },
      );
    }
    return found;
  }

  private async compile(
    db: Db,
    source: string,
    automationId: string | undefined,
  ): Promise<{ diagnostics: Diagnostic[]; definitions?: AutomationDefinitions }> {
    const catalog = await this.catalog(db, automationId);
    const result = checkText(source, catalog.catalog);
    const diagnostics = [...result.diagnostics];
    if (!result.checked) return { diagnostics };
    const definitions = compileAutomation(result.checked);
    for (const sequence of definitions.sequences) {
      const owner = catalog.sequenceOwners.get(sequence.name);
      if (owner) {
        diagnostics.push(
          diagnosticAt(
            source,
            sequence.name,
            `The sequence "${sequence.name}" is already defined by the active automation "${owner}".`,
            'sequence-taken',
          ),
        );
      }
    }
    const sent = new Set<string>();
    for (const sequence of definitions.sequences) {
      for (const step of sequence.steps) {
        if (step.type === 'sendEmail' || step.type === 'sendLetter') sent.add(step.template);
      }
    }
    for (const name of sent) {
      if (!catalog.published.has(name.toLowerCase())) {
        diagnostics.push(
          diagnosticAt(
            source,
            name,
            `The template "${name}" has no published version yet; publish it before activating.`,
            'template-unpublished',
          ),
        );
      }
    }
    return hasErrors(diagnostics) ? { diagnostics } : { diagnostics, definitions };
  }

  private async catalog(
    db: Db,
    automationId: string | undefined,
  ): Promise<{ catalog: Catalog; sequenceOwners: Map<string, string>; published: Set<string> }> {
    const loaded = await this.catalogs.load(db);
    const templates = await this.templates.catalog(db);
    const others = await this.automations.activeSequenceNames(db, automationId);
    const published = new Set<string>();
    for (const template of templates) {
      const found = await this.templates.findByName(db, template.name);
      if (found?.latestVersion != null) published.add(template.name.toLowerCase());
    }
    return {
      catalog: {
        ...loaded.catalog,
        templates: templates.map((template) => ({ name: template.name, channel: template.kind })),
        sequences: others.map((other) => other.name),
      },
      sequenceOwners: new Map(others.map((other) => [other.name, other.automation])),
      published,
    };
  }

  private async require(db: Db, id: string, lock = false): Promise<Automation> {
    const found = /^[0-9a-f-]{36}$/i.test(id) ? await this.automations.find(db, id, { lock }) : undefined;
    if (!found)
      throw new AutomationError('AUTOMATION_NOT_FOUND', `no automation ${id}`, { automationId: id });
    return found;
  }

  private nameTaken(error: unknown, name: string): unknown {
    if (violatedConstraint(error, '23505') === 'automations_name_unique') {
      return new AutomationError('AUTOMATION_NAME_TAKEN', `an automation named "${name}" exists`, {
        field: 'name',
      });
    }
    return error;
  }
}
