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

/**
 * Python accepts floats written with a trailing dot (`1./255`, `255.`, `1.e-3`); the grammar the editor shares does
 * not (it reads `255.` as an attribute access). Such numbers are rewritten without the dot, keeping every offset
 * (`255.` becomes `255 `, `1.e-3` becomes `1e-3 `), and the offsets of the ones that lost their float-ness are
 * returned so the interpreter still reads them as floats. Strings and comments are left alone.
 */
export function fixTrailingDots(text: string): { text: string; floatAt: Set<number> } {
  const floatAt = new Set<number>();
  if (!/\d\.(?!\d)/.test(text)) return { text, floatAt };
  const isIdent = (c: string | undefined) => c !== undefined && /[\w.]/.test(c);
  let out = '';
  let last = 0;
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? '';
    if (ch === '#') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
      continue;
    }
    if (ch === '"' || ch === "'") {
      i = skipString(text, i);
      continue;
    }
    if (ch >= '0' && ch <= '9' && !isIdent(text[i - 1])) {
      let j = i;
      if (ch === '0' && /[xXoObB]/.test(text[i + 1] ?? '')) {
        j += 2;
        while (/[0-9a-fA-F_]/.test(text[j] ?? '')) j++;
        i = j;
        continue;
      }
      while (/[\d_]/.test(text[j] ?? '')) j++;
      if (text[j] === '.' && !/\d/.test(text[j + 1] ?? '')) {
        const after = text.slice(j + 1, j + 40);
        const exp = /^[eE][+-]?\d+/.exec(after);
        if (exp) {
          out += `${text.slice(last, j)}${exp[0]} `;
          last = j + 1 + exp[0].length;
          i = last;
          continue;
        }
        if (!/^[A-Za-z_]/.test(after)) {
          out += `${text.slice(last, j)} `;
          last = j + 1;
          floatAt.add(i);
        }
        i = j + 1;
        continue;
      }
      i = j;
      continue;
    }
    i++;
  }
  return { text: out + text.slice(last), floatAt };
}

/** The offset just after the string starting at `i` (or the end of its line when it is not closed). */
function skipString(text: string, i: number): number {
  const ch = text[i] ?? '';
  const triple = text.startsWith(ch.repeat(3), i);
  const quote = triple ? ch.repeat(3) : ch;
  let j = i + quote.length;
  while (j < text.length) {
    if (text[j] === '\\') {
      j += 2;
      continue;
    }
    if (!triple && text[j] === '\n') return j;
    if (text.startsWith(quote, j)) return j + quote.length;
    j++;
  }
  return j;
}

/** Python refuses a file with a NUL byte anywhere, even in a comment. */
export function nulByte(text: string): { at: number; message: string } | null {
  const at = text.indexOf('\0');
  return at < 0 ? null : { at, message: 'Syntax error: source code cannot contain null bytes (Python refuses the file); remove the invisible character here.' };
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
  const structural = structuralProblem(parsed.text, (at) => sink.position(at));
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
    if (structural.opener !== undefined) {
      const o = structural.opener;
      sink.info(
        'unclosed-bracket',
        { from: o.at, to: o.at + 1 },
        `This \`${o.ch}\` is still open where the error is reported: is its \`${CLOSER[o.ch] ?? ''}\` missing?`,
      );
    }
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
  // Where the parser gave up is often far from an unclosed bracket: name the bracket too.
  const open = openBracketAt(text, from);
  if (open) {
    const p = sink.position(open.at);
    message = `${message.replace(/\.$/, '')}; the \`${open.ch}\` opened on line ${p.line}, column ${p.column} is still open.`;
  }
  sink.error('syntax-error', { from, to: atEndOfLine ? from : Math.min(lineEnd < 0 ? text.length : lineEnd, from + (token?.length ?? 1)) }, message);
  if (open) sink.info('unclosed-bracket', { from: open.at, to: open.at + 1 }, `This \`${open.ch}\` is still open where the syntax error is reported.`);
  return true;
}

/** The innermost bracket still open at `offset` (strings and comments skipped), if any. */
function openBracketAt(text: string, offset: number): { ch: string; at: number } | undefined {
  const stack: { ch: string; at: number }[] = [];
  let i = 0;
  while (i < offset && i < text.length) {
    const ch = text[i] ?? '';
    if (ch === '#') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
      continue;
    }
    if (ch === '"' || ch === "'") {
      i = skipString(text, i);
      continue;
    }
    if (ch === '(' || ch === '[' || ch === '{') stack.push({ ch, at: i });
    else if ((ch === ')' || ch === ']' || ch === '}') && CLOSER[stack[stack.length - 1]?.ch ?? ''] === ch) stack.pop();
    i++;
  }
  return stack[stack.length - 1];
}

const CLOSER: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/**
 * Python's own tokenizer checks that lezer is lenient about: unclosed or mismatched brackets (reported where they
 * open), strings that are never closed, and indentation (unexpected indent, a dedent to no outer level, a missing
 * block after `:`). Linear, no recursion; strings and comments are skipped.
 */
export function structuralProblem(
  text: string,
  pos: (offset: number) => { line: number; column: number } = () => ({ line: 0, column: 0 }),
): { at: number; message: string; opener?: { ch: string; at: number } } | null {
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
        const p = pos(top.at);
        return {
          at: i,
          message: `Syntax error: \`${ch}\` does not match the \`${top.ch}\` opened on line ${p.line}, column ${p.column}; expected \`${CLOSER[top.ch] ?? ''}\` (is it missing?).`,
          opener: top,
        };
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
