import { describe, expect, it } from '@jest/globals';
import { ESLint } from 'eslint';

// Each case lints a snippet as if it lived at `filePath` in the repository, so the
// test proves the per-folder rules exist and fire, not just that the tree is clean.
const eslint = new ESLint({ cwd: process.cwd(), ignore: false });

async function ruleIdsFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((message) => message.ruleId ?? message.message);
}

describe('dependency rules', () => {
  it.each([
    ['libs/rules/src/bad.ts', "import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n"],
    ['libs/templates/src/bad.ts', "import { DataSource } from 'typeorm';\nexport const x = DataSource;\n"],
    ['libs/rules/src/bad.ts', "import { Client } from '@temporalio/client';\nexport const x = Client;\n"],
  ])('keeps %s pure', async (filePath, code) => {
    expect(await ruleIdsFor(filePath, code)).toContain('no-restricted-imports');
  });

  it('keeps the pure libraries independent of the rest of the project', async () => {
    const code = "import { x } from '../../domain/src/index.js';\nexport const y = x;\n";
    expect(await ruleIdsFor('libs/rules/src/bad.ts', code)).toContain('trellis/layer-boundaries');
    expect(await ruleIdsFor('libs/templates/src/bad.ts', code)).toContain('trellis/layer-boundaries');
  });

  it('forbids libraries from importing an app', async () => {
    const code =
      "import { AppModule } from '../../../apps/api/src/app.module.js';\nexport const x = AppModule;\n";
    expect(await ruleIdsFor('libs/domain/src/groups/bad.ts', code)).toContain('trellis/layer-boundaries');
  });

  it('forbids Nest HTTP exceptions in the domain', async () => {
    const code = "import { NotFoundException } from '@nestjs/common';\nexport const x = NotFoundException;\n";
    expect(await ruleIdsFor('libs/domain/src/groups/bad.ts', code)).toContain('no-restricted-imports');
  });

  it('forbids apps from importing each other', async () => {
    const fromApi =
      "import { WorkerModule } from '../../worker/src/worker.module.js';\nexport const x = WorkerModule;\n";
    const fromWorker =
      "import { AppModule } from '../../api/src/app.module.js';\nexport const x = AppModule;\n";
    expect(await ruleIdsFor('apps/api/src/bad.ts', fromApi)).toContain('trellis/layer-boundaries');
    expect(await ruleIdsFor('apps/worker/src/bad.ts', fromWorker)).toContain('trellis/layer-boundaries');
  });

  it('keeps SQL out of controllers', async () => {
    const code = "import { DataSource } from 'typeorm';\nexport const x = DataSource;\n";
    expect(await ruleIdsFor('apps/api/src/groups/bad.controller.ts', code)).toContain(
      'no-restricted-imports',
    );
  });

  it.each([
    "import pg from 'pg';\nexport const x = pg;\n",
    "import { readFile } from 'node:fs/promises';\nexport const x = readFile;\n",
    "import { createMailActivities } from '../activities/mail.activities.js';\nexport const x = createMailActivities;\n",
    "import { ApiKeyService } from '../../../../libs/domain/src/index.js';\nexport const x = ApiKeyService;\n",
  ])('keeps workflow files deterministic: %s', async (code) => {
    expect(await ruleIdsFor('apps/worker/src/workflows/bad.workflow.ts', code)).toContain(
      'trellis/workflow-imports',
    );
  });

  it('lets workflow files import the SDK, type-only activities and pure libraries', async () => {
    const code = [
      "import { proxyActivities } from '@temporalio/workflow';",
      "import type { MailActivities } from '../activities/mail.activities.js';",
      "import { parse } from '../../../../libs/rules/src/index.js';",
      "import type { TestMailWorkflowInput } from '../../../../libs/domain/src/automation/workflow-contracts.js';",
      'export const x = [proxyActivities, parse];',
      'export type Y = MailActivities | TestMailWorkflowInput;',
      '',
    ].join('\n');
    expect(await ruleIdsFor('apps/worker/src/workflows/good.workflow.ts', code)).not.toContain(
      'trellis/workflow-imports',
    );
  });

  it('finds import cycles', async () => {
    const [result] = await eslint.lintFiles(['test/lint/fixtures/cycle/first.ts']);
    expect(result!.messages.map((message) => message.ruleId)).toContain('import-x/no-cycle');
  });
});
