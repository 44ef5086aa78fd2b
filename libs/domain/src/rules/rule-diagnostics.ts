import type { Diagnostic } from '../../../rules/src/index.js';
import { RuleError } from '../errors/domain-error.js';

/** 1-based line and column of an offset, counting \r\n, \r and \n as one line break each. */
function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const ch = text[i];
    if (ch === '\r' && text[i + 1] === '\n') continue;
    if (ch === '\n' || ch === '\r') {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

export function errorAt(
  text: string,
  offset: number,
  length: number,
  code: string,
  message: string,
): Diagnostic {
  return { offset, length, ...positionOf(text, offset), severity: 'error', code, message };
}

/** Refuses rule text with errors: 400 RULE_INVALID carrying every diagnostic. */
export function invalid(diagnostics: Diagnostic[]): RuleError {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const first = errors[0];
  const where = first ? ` (line ${first.line}, column ${first.column}: ${first.message})` : '';
  return new RuleError(
    'RULE_INVALID',
    `the rule has ${errors.length} problem${errors.length === 1 ? '' : 's'}${where}`,
    { diagnostics },
  );
}
