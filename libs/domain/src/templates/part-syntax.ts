import Handlebars from 'handlebars';
import type { Diagnostic } from '../../../templates/src/index.js';
import type { TemplatePartKind } from './template.js';

function diagnostic(source: string, text: string, line: number, column: number, message: string): Diagnostic {
  const lines = text.split('\n');
  const safeLine = Math.min(Math.max(line, 1), lines.length);
  const safeColumn = Math.min(Math.max(column, 1), (lines[safeLine - 1]?.length ?? 0) + 1);
  const offset =
    lines.slice(0, safeLine - 1).reduce((sum, current) => sum + current.length + 1, 0) + safeColumn - 1;
  return {
    code: 'SYNTAX_ERROR',
    severity: 'error',
    message,
    source,
    line: safeLine,
    column: safeColumn,
    offset,
    length: 0,
  };
}

/**
 * Where Handlebars' parser stopped. Its message names the line and shows up to 20
 * characters before and after the spot (newlines removed) with a caret between
 * them; the column is where that excerpt fits the line.
 */
function parseErrorPosition(text: string, message: string): { line: number; column: number } {
  const match = /line (\d+):\n(.*)\n(-*)\^/.exec(message);
  if (!match) return { line: 1, column: 1 };
  const line = Number(match[1]);
  const lineText = text.split('\n')[line - 1] ?? '';
  const past = match[2]!.slice(0, match[3]!.length).replace(/^\.\.\./, '');
  const upcoming = match[2]!.slice(match[3]!.length).replace(/\.\.\.$/, '');
  for (let column = 0; column <= lineText.length; column++) {
    const before = lineText.slice(Math.max(0, column - past.length), column);
    const after = lineText.slice(column, column + upcoming.length);
    if (past.endsWith(before) && upcoming.startsWith(after)) return { line, column: column + 1 };
  }
  return { line, column: 1 };
}

/**
 * What can be checked of a part on its own: Handlebars syntax, and that a layout
 * says where the template's content goes. Everything else is checked with each
 * template that uses the part, since a header means something only inside one.
 */
export function checkPartSyntax(name: string, kind: TemplatePartKind, content: string): Diagnostic[] {
  const source = `partial:${name}`;
  const text = content.replace(/\r\n?/g, '\n');
  try {
    Handlebars.parse(text);
  } catch (error) {
    const { lineNumber, column, message } = error as {
      lineNumber?: number;
      column?: number;
      message: string;
    };
    const position =
      typeof lineNumber === 'number'
        ? { line: lineNumber, column: (column ?? 0) + 1 }
        : parseErrorPosition(text, message);
    const firstLine = message.split('\n')[0]!.replace(/ - \d+:\d+$/, '');
    return [
      diagnostic(
        source,
        text,
        position.line,
        position.column,
        `Handlebars cannot read this part: ${firstLine}`,
      ),
    ];
  }
  if (kind === 'layout' && !/\{\{~?\s*>\s*@partial-block\s*~?\}\}/.test(text)) {
    return [
      {
        ...diagnostic(
          source,
          text,
          1,
          1,
          'A layout shows the content of the template that uses it at {{> @partial-block}}.',
        ),
        suggestion: '<mj-body>{{> header}}{{> @partial-block}}{{> footer}}</mj-body>',
      },
    ];
  }
  return [];
}
