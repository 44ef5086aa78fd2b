export type * from './ast.js';
export { BUILTIN_FIELDS, EMPTY_CATALOG, GroupIndex } from './catalog.js';
export type {
  BuiltinField,
  Catalog,
  CatalogGroup,
  CatalogTemplate,
  CustomFieldDefinition,
  SavedSelection,
} from './catalog.js';
export { check, checkText, isTimeZone, relink, relinkCondition } from './check.js';
export type { CheckOptions, CheckResult, RelinkResult } from './check.js';
export type * from './checked.js';
export { UNIT_SECONDS } from './checked.js';
export {
  AUTOMATION_DEFINITION_VERSION,
  compileAutomation,
  firedGroupTriggers,
  subtreeTransition,
} from './compile-automation.js';
export type {
  AutomationDefinitions,
  ReentryPolicy,
  ScheduleDefinition,
  SequenceAction,
  SequenceDefinition,
  StepDefinition,
  TriggerDefinition,
} from './compile-automation.js';
export { compileCondition, compileSelection } from './compile-sql.js';
export type { CompiledSelection, CompileSelectionOptions, SqlFragment } from './compile-sql.js';
export { complete } from './complete.js';
export type { CompletionItem, CompletionKind } from './complete.js';
export { hasErrors } from './diagnostics.js';
export type { Diagnostic, Severity } from './diagnostics.js';
export { describe as describeCondition, explain, formatExplanation } from './explain.js';
export type { ExplainOptions, Explanation } from './explain.js';
export type { ContactFacts } from './facts.js';
export { format, print, printCondition } from './format.js';
export { parse } from './parse.js';
export type { ParseResult, SourceComment } from './parse.js';
