import type { SyntaxNode, Tree } from '@lezer/common';
import { parser } from '@lezer/python';
import type { DiagnosticSink } from './diagnostic-sink';

export interface TParsed {
  tree: Tree;
  text: string;
}

/**
 * Notebook cells may hold IPython magics (`%matplotlib inline`, `!pip install ...`), which are not Python. They are
 * blanked to comments of the same length so every offset still points at the student's text.
 */
export function blankMagics(source: string, sink: DiagnosticSink): string {
  if (!/^[ \t]*[%!]/m.test(source)) return source;
  return source.replace(/^([ \t]*)([%!])([^\n]*)/gm, (m: string, indent: string, _mark: string, rest: string, offset: number) => {
    sink.info(
      'ignored-magic',
      { from: offset + indent.length, to: offset + m.length },
      `Notebook command \`${(_mark + rest).trim().slice(0, 60)}\` ignored: it does not affect the model.`,
    );
    return `${indent}#${rest}`;
  });
}

export function parsePython(text: string): TParsed {
  return { tree: parser.parse(text), text };
}

/**
 * Reports the first syntax problem. Lezer recovers from errors and marks them with `⚠` nodes, but an unclosed bracket
 * is only detected far away (end of file), and it accepts bad indentation and unclosed strings; Python's tokenizer
 * rules are therefore checked first (structuralProblem) so the message points at the real problem.
 */
export function reportSyntaxErrors(parsed: TParsed, sink: DiagnosticSink): boolean {
  const structural = structuralProblem(parsed.text);
  let errorAt: SyntaxNode | null = null;
  const cursor = parsed.tree.cursor();
  do {
    if (cursor.type.isError) {
      errorAt = cursor.node;
      break;
    }
  } while (cursor.next());
  // Whichever problem comes first in the text is the real one (an unclosed bracket is found at its opener).
  if (structural && (!errorAt || structural.at <= errorAt.from)) {
    sink.error('syntax-error', { from: structural.at, to: Math.min(parsed.text.length, structural.at + 1) }, structural.message);
    return true;
  }
  if (!errorAt) return false;
  const text = parsed.text;
  let from = errorAt.from;
  // An empty error node sits where a token was missing; show the token that follows instead.
  while (from < text.length && (text[from] === ' ' || text[from] === '\t')) from++;
  const tokenMatch = /^(\w+|\S)/.exec(text.slice(from, from + 40));
  const token = tokenMatch?.[1];
  const lineEnd = text.indexOf('\n', from);
  const atEndOfLine = from >= text.length || text[from] === '\n' || text[from] === '\r';
  let message: string;
  if (from >= text.length) message = 'Syntax error: the code ends unexpectedly (is a statement unfinished?).';
  else if (atEndOfLine && /^\s*(for|if|elif|else|while|def|class|with|try|except|finally)\b/.test(text.slice(text.lastIndexOf('\n', from - 1) + 1, from))) {
    message = "Syntax error: this line ends unexpectedly; is the ':' missing at its end?";
  } else if (atEndOfLine) message = 'Syntax error: this line ends unexpectedly (is something missing, such as a value, a comma or a colon?).';
  else if (token && /^[)\]}]$/.test(token)) message = `Syntax error: unexpected \`${token}\` (it closes a bracket that was never opened).`;
  else message = `Syntax error: unexpected \`${token ?? text[from]}\` here (check for a missing comma, operator or bracket just before it).`;
  sink.error('syntax-error', { from, to: atEndOfLine ? from : Math.min(lineEnd < 0 ? text.length : lineEnd, from + (token?.length ?? 1)) }, message);
  return true;
}

const CLOSER: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/**
 * Python's own tokenizer checks that lezer is lenient about: unclosed or mismatched brackets (reported where they
 * open), strings that are never closed, and indentation (unexpected indent, a dedent to no outer level, a missing
 * block after `:`). Linear, no recursion; strings and comments are skipped.
 */
export function structuralProblem(text: string): { at: number; message: string } | null {
  const stack: { ch: string; at: number }[] = [];
  const indents = [0];
  let i = 0;
  let lineStart = true;
  let lastSignificant = '';
  while (i < text.length) {
    if (lineStart && stack.length === 0) {
      let col = 0;
      let j = i;
      while (j < text.length && (text[j] === ' ' || text[j] === '\t' || text[j] === '\f')) {
        col = text[j] === '\t' ? (Math.floor(col / 8) + 1) * 8 : col + 1;
        j++;
      }
      const c = text[j];
      if (j < text.length && c !== '\n' && c !== '\r' && c !== '#') {
        const top = indents[indents.length - 1] ?? 0;
        if (lastSignificant === ':') {
          if (col <= top) return { at: j, message: "Syntax error: expected an indented block here, after the line ending with ':'." };
          indents.push(col);
        } else if (col > top) {
          return { at: j, message: 'Syntax error: unexpected indentation (this line is indented more than the one before it).' };
        } else if (col < top) {
          while ((indents[indents.length - 1] ?? 0) > col) indents.pop();
          if ((indents[indents.length - 1] ?? 0) !== col) return { at: j, message: "Syntax error: this line's indentation does not match any outer block." };
        }
        lastSignificant = '';
      }
      i = j;
      lineStart = false;
      continue;
    }
    const ch = text[i] ?? '';
    if (ch === '#') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
      continue;
    }
    if (ch === '\n') {
      // Inside brackets a newline does not end the logical line.
      lineStart = stack.length === 0;
      i++;
      continue;
    }
    if (ch === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) {
      // A continued line is part of the same logical line: its indentation means nothing.
      i += text[i + 1] === '\r' ? 3 : 2;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const triple = text.startsWith(ch.repeat(3), i);
      const quote = triple ? ch.repeat(3) : ch;
      let j = i + quote.length;
      let closed = false;
      while (j < text.length) {
        if (text[j] === '\\') {
          j += 2;
          continue;
        }
        if (!triple && text[j] === '\n') break;
        if (text.startsWith(quote, j)) {
          j += quote.length;
          closed = true;
          break;
        }
        j++;
      }
      if (!closed) return { at: i, message: `Syntax error: this string is never closed (add the closing ${triple ? quote : `\`${quote}\``}).` };
      i = j;
      lastSignificant = ch;
      continue;
    }
    if (ch === '(' || ch === '[' || ch === '{') stack.push({ ch, at: i });
    else if (ch === ')' || ch === ']' || ch === '}') {
      const top = stack.pop();
      if (!top) return { at: i, message: `Syntax error: \`${ch}\` closes a bracket that was never opened.` };
      if (CLOSER[top.ch] !== ch) {
        return { at: i, message: `Syntax error: \`${ch}\` does not match the \`${top.ch}\` opened earlier; expected \`${CLOSER[top.ch] ?? ''}\`.` };
      }
    }
    if (ch !== ' ' && ch !== '\t' && ch !== '\r') lastSignificant = stack.length === 0 || ch === '(' || ch === '[' || ch === '{' ? ch : lastSignificant;
    i++;
  }
  const open = stack.pop();
  if (open) return { at: open.at, message: `Syntax error: \`${open.ch}\` is opened here but never closed.` };
  if (lastSignificant === ':') return { at: text.length, message: "Syntax error: the code ends after a line ending with ':' (an indented block is missing)." };
  return null;
}

/**
 * Refuses input nested deeper than `maxDepth` (brackets, or chains of unary operators such as `- - - 1`) before it
 * is parsed: the parser's time grows badly with nesting, and no model needs more than a few levels.
 */
export function excessiveNesting(text: string, maxDepth: number): { at: number; message: string } | null {
  let depth = 0;
  let unaryRun = 0;
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? '';
    if (ch === '#') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const triple = text.startsWith(ch.repeat(3), i);
      const quote = triple ? ch.repeat(3) : ch;
      let j = i + quote.length;
      while (j < text.length) {
        if (text[j] === '\\') {
          j += 2;
          continue;
        }
        if (!triple && text[j] === '\n') break;
        if (text.startsWith(quote, j)) {
          j += quote.length;
          break;
        }
        j++;
      }
      i = j;
      unaryRun = 0;
      continue;
    }
    if (ch === '(' || ch === '[' || ch === '{') {
      depth++;
      if (depth > maxDepth) return { at: i, message: `The code is nested too deeply here (more than ${maxDepth} levels of brackets); simplify it.` };
    } else if (ch === ')' || ch === ']' || ch === '}') depth = Math.max(0, depth - 1);
    if (ch === '-' || ch === '+' || ch === '~') {
      unaryRun++;
      if (unaryRun > maxDepth) return { at: i, message: `This expression chains more than ${maxDepth} operators in a row; simplify it.` };
    } else if (ch !== ' ' && ch !== '\t') unaryRun = 0;
    i++;
  }
  return null;
}
