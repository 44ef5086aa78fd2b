export { TemplateCheckError, TemplateRenderError } from './diagnostics.js';
export type { Diagnostic, DiagnosticCode, Severity } from './diagnostics.js';
export {
  MJML_OPTIONS,
  checkEmailTemplate,
  compileEmailTemplate,
  emailTemplateKey,
} from './email-template.js';
export type {
  CompiledEmailTemplate,
  EmailCheckResult,
  EmailTemplateVersion,
  EncodedEmail,
  RenderOptions,
  RenderedEmail,
  TemplateContext,
} from './email-template.js';
export { DATE_STYLES, HELPER_SIGNATURES } from './helpers.js';
export type { ArgumentSpec, HelperSignature, ValueKind } from './helpers.js';
export {
  LETTER_GEOMETRY,
  addressLines,
  checkLetterTemplate,
  compileLetterTemplate,
  letterStyles,
  renderLetterHtml,
} from './letter-template.js';
export type {
  CompiledLetterTemplate,
  LetterCheckResult,
  LetterDocumentOptions,
  LetterGeometry,
  LetterTemplateVersion,
  PaperFormat,
} from './letter-template.js';
export { DEFAULT_LIMITS, resolveLimits } from './limits.js';
export type { TemplateLimits } from './limits.js';
export { createMimeComposer } from './mime.js';
export type { ComposeOptions, ComposedEmail, Mailbox, MimeComposer, MimeComposerOptions } from './mime.js';
export { encodeHeaderText, encodeQuotedPrintable, formatMailDate } from './mime-encoding.js';
export { safeUrl } from './safe-url.js';
export {
  CONSENT_STATES,
  CONTACT_KINDS,
  FORBIDDEN_NAMES,
  InvalidSchemaError,
  createVariableSchema,
  normalizeTemplateData,
} from './template-data.js';
export type {
  AccountData,
  ConsentState,
  ContactData,
  ContactKind,
  CustomFieldDefinition,
  CustomFieldType,
  CustomFieldValue,
  LinkData,
  ObjectType,
  ResponsibleUserData,
  TemplateData,
  VariableSchema,
  VariableType,
} from './template-data.js';
export { htmlToPlainText } from './text-part.js';
