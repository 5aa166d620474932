import type { TDiagnostic, TDiagnosticSeverity } from '@epoch/contracts';
import type { LineIndex } from './source-text';

/** A source range as string offsets (what lezer gives). */
export interface TSpan {
  from: number;
  to: number;
}

/** Collects diagnostics with positions resolved once, in one place. */
export class DiagnosticSink {
  readonly items: TDiagnostic[] = [];

  constructor(private readonly lines: LineIndex) {}

  add(severity: TDiagnosticSeverity, code: string, span: TSpan, message: string): void {
    const start = this.lines.position(span.from);
    const end = this.lines.position(Math.max(span.from, span.to));
    this.items.push({ ...start, endLine: end.line, endColumn: end.column, message, severity, code });
  }

  error(code: string, span: TSpan, message: string): void {
    this.add('error', code, span, message);
  }
  warning(code: string, span: TSpan, message: string): void {
    this.add('warning', code, span, message);
  }
  info(code: string, span: TSpan, message: string): void {
    this.add('info', code, span, message);
  }

  position(offset: number): { line: number; column: number } {
    return this.lines.position(offset);
  }
}
