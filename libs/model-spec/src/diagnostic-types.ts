import type { TSpan } from './diagnostic-sink';

/** The part of DiagnosticSink that builders need (keeps them testable with a plain recorder). */
export interface TDiagnosticSink {
  error(code: string, span: TSpan, message: string): void;
  warning(code: string, span: TSpan, message: string): void;
  info(code: string, span: TSpan, message: string): void;
}
