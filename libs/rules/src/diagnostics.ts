export type Severity = 'error' | 'warning';

export interface Diagnostic {
  offset: number;
  length: number;
  /** 1-based. */
  line: number;
  /** 1-based, counted in UTF-16 code units like editors do. */
  column: number;
  severity: Severity;
  message: string;
  code?: string;
  /** A replacement for the text at offset/length, e.g. the group path that was probably meant. */
  suggestion?: string;
}

/**
 * Maps offsets to 1-based line/column; \r\n, \r and \n each end a line. Without the
 * text (a checked AST whose source is not at hand) everything is on line 1.
 */
export class LineMap {
  private readonly starts: number[] = [0];
  private readonly size: number;

  constructor(text: string | null) {
    this.size = text === null ? Infinity : text.length;
    if (text === null) return;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 13 && text.charCodeAt(i + 1) === 10) continue;
      if (ch === 10 || ch === 13) this.starts.push(i + 1);
    }
  }

  position(offset: number): { line: number; column: number } {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - this.starts[low]! + 1 };
  }

  /** Builds a diagnostic, clamping its range into the text. */
  diagnostic(
    offset: number,
    length: number,
    severity: Severity,
    message: string,
    extra: { code?: string; suggestion?: string } = {},
  ): Diagnostic {
    const end = Number.isFinite(this.size) ? this.size : 0;
    const start = Number.isFinite(offset) ? Math.min(Math.max(0, offset), this.size) : end;
    const size = Number.isFinite(length) ? Math.min(Math.max(0, length), this.size - start) : 0;
    return {
      offset: start,
      length: size,
      ...this.position(start),
      severity,
      message,
      ...(extra.code === undefined ? {} : { code: extra.code }),
      ...(extra.suggestion === undefined ? {} : { suggestion: extra.suggestion }),
    };
  }
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
