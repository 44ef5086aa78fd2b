import Handlebars from 'handlebars';
import { wrapInHelper } from './handlebars-ast.js';
import type { Program, Statement } from './handlebars-ast.js';
import { compileOptions, createEnvironment } from './helpers.js';
import { encodeQuotedPrintable } from './mime-encoding.js';
import type { Template } from './template-pipeline.js';

function quotedPrintableValue(value: unknown): string {
  return encodeQuotedPrintable(Handlebars.Utils.escapeExpression(value as string), false);
}

const environment = createEnvironment({ __qp: quotedPrintableValue as (...args: never[]) => unknown });
// The program's whitespace is settled already; no standalone-line stripping on encoded text.
const OPTIONS = { ...compileOptions(['__qp'], false), ignoreStandalone: true };

function encodeStatements(body: Statement[]): Statement[] {
  return body.map((statement) => {
    switch (statement.type) {
      case 'ContentStatement': {
        const value = encodeQuotedPrintable(statement.value, false);
        return { ...statement, value, original: value };
      }
      case 'MustacheStatement':
        return wrapInHelper(statement, '__qp');
      case 'BlockStatement':
        return {
          ...statement,
          program: { ...statement.program, body: encodeStatements(statement.program.body) },
          ...(statement.inverse
            ? { inverse: { ...statement.inverse, body: encodeStatements(statement.inverse.body) } }
            : {}),
        };
      default:
        return statement;
    }
  });
}

/**
 * The HTML body as a template whose output is already quoted-printable, less
 * the soft line breaks: its fixed text is encoded once here, and per contact
 * only the inserted values are escaped and encoded. Quoted-printable without
 * soft breaks can be concatenated freely, so wrapQuotedPrintable finishes it.
 */
export function compileQuotedPrintableHtml(program: Program): Template {
  const encoded: Program = { ...program, body: encodeStatements(structuredClone(program).body) };
  return environment.compile(encoded as never, OPTIONS) as Template;
}
