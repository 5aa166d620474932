import { classHighlighter, highlightCode } from '@lezer/highlight';
import { parser } from '@lezer/python';

/**
 * Syntax highlighting of the lesson's Python code on the server: the same grammar (`@lezer/python`) that the editor
 * highlights with and the checker parses with, and lezer's class highlighter (`tok-keyword`, `tok-string`, …), whose
 * classes globals.css colours for the lesson and the editor alike.
 */

export interface TToken {
  text: string;
  /** Space-separated `tok-*` classes; empty for plain text. */
  className: string;
}

/** The source as lines of tokens (a trailing newline adds no empty last line). */
export function highlightPython(code: string): TToken[][] {
  const text = code.replace(/\n$/, '');
  const lines: TToken[][] = [[]];
  highlightCode(
    text,
    parser.parse(text),
    classHighlighter,
    (t, classes) => lines[lines.length - 1]!.push({ text: t, className: classes }),
    () => lines.push([]),
  );
  return lines;
}

/** Any other code: lines of plain text. */
export function plainLines(code: string): TToken[][] {
  return code
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => (line ? [{ text: line, className: '' }] : []));
}
