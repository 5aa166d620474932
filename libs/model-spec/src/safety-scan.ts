import type { SyntaxNode, Tree } from '@lezer/common';
import type { DiagnosticSink } from './diagnostic-sink';
import { CODE_RUNNING_LAYERS, FORBIDDEN_CALL, FORBIDDEN_MODULES, FORBIDDEN_NAMES, KNOWN_IMPORT_ROOTS } from './keras-symbols';

/** Dunder names that only describe the script: `if __name__ == '__main__':`, `from __future__ import ...`. */
const HARMLESS_DUNDERS = new Set(['__name__', '__future__', '__main__', '__init__']);

/**
 * Refuses, anywhere in the source (even in code the checker otherwise ignores), what would run code or reach the
 * system if this were executed: eval/exec/open/__import__, calls that run programs or change files (os.system, ...),
 * modules that exist for that (subprocess, pickle, ...), dunder access and Lambda layers. Other libraries may be
 * imported (the code is never run): a note says so. One pass over the tree with a cursor, so deep nesting cannot
 * overflow the stack.
 */
export function scanForbidden(tree: Tree, text: string, sink: DiagnosticSink): void {
  const cursor = tree.cursor();
  do {
    const name = cursor.name;
    if (name === 'ImportStatement') {
      checkImport(cursor.node, text, sink);
      continue;
    }
    if (name !== 'VariableName' && name !== 'PropertyName') continue;
    const node = cursor.node;
    if (node.parent?.name === 'ImportStatement') continue;
    const id = text.slice(node.from, node.to);
    if (HARMLESS_DUNDERS.has(id)) continue;
    if (/^__\w*__$/.test(id) || (name === 'PropertyName' && id.startsWith('__'))) {
      sink.error(
        'not-allowed',
        node,
        `\`${id}\` is not allowed: double-underscore names reach Python internals, and submitted code must only describe a model.`,
      );
    } else if (CODE_RUNNING_LAYERS.has(id)) {
      sink.error(
        'not-allowed',
        node,
        `\`${id}\` is not allowed: it runs arbitrary Python code, which Epoch never does. Build the model from the supported layers instead.`,
      );
    } else if (name === 'VariableName' && FORBIDDEN_MODULES.has(id) && !isAssignTarget(node)) {
      sink.error('not-allowed', node, `\`${id}\` is not allowed: submitted code may not run programs or load code.`);
    } else if (name === 'VariableName' && (id === 'os' || id === 'sys') && isCallRoot(node, text)) {
      const callee = isCallRoot(node, text) ?? '';
      sink.error('not-allowed', node, `\`${callee}()\` is not allowed: it would run a program or change files, and submitted code must only describe a model.`);
    } else if (name === 'VariableName' && FORBIDDEN_NAMES.has(id) && isCallee(node)) {
      sink.error('not-allowed', node, `\`${id}()\` is not allowed: it would run code or read files, and Epoch never executes submitted code.`);
    }
  } while (cursor.next());
}

function isCallee(node: SyntaxNode): boolean {
  const parent = node.parent;
  return parent?.name === 'CallExpression' && parent.firstChild?.from === node.from && parent.firstChild.to === node.to;
}

/** `os.system` in `os.system(...)`: the dotted callee when `node` starts one that FORBIDDEN_CALL names. */
function isCallRoot(node: SyntaxNode, text: string): string | undefined {
  let member = node.parent;
  if (member?.name !== 'MemberExpression' || member.firstChild?.from !== node.from) return undefined;
  while (member.parent?.name === 'MemberExpression' && member.parent.firstChild?.from === member.from) member = member.parent;
  if (member.parent?.name !== 'CallExpression') return undefined;
  const dotted = text.slice(member.from, member.to).replace(/\s+/g, '');
  return FORBIDDEN_CALL.test(dotted) ? dotted : undefined;
}

function isAssignTarget(node: SyntaxNode): boolean {
  const parent = node.parent;
  if (parent?.name !== 'AssignStatement') return false;
  for (let c = node.nextSibling; c; c = c.nextSibling) if (c.name === 'AssignOp') return true;
  return false;
}

/** `import a.b as c`, `from a.b import x`: the module path is the dotted names before `import` / `as`. */
export function importedModules(node: SyntaxNode, text: string): { path: string; span: { from: number; to: number } }[] {
  const out: { path: string; span: { from: number; to: number } }[] = [];
  const first = node.firstChild;
  if (!first) return out;
  if (first.name === 'from') {
    let path = '';
    let from = -1;
    let to = -1;
    for (let c = first.nextSibling; c && c.name !== 'import'; c = c.nextSibling) {
      path += text.slice(c.from, c.to);
      if (from < 0) from = c.from;
      to = c.to;
    }
    if (from >= 0) out.push({ path, span: { from, to } });
    return out;
  }
  let path = '';
  let from = -1;
  let to = -1;
  let afterAs = false;
  for (let c = first.nextSibling; c; c = c.nextSibling) {
    if (c.name === ',') {
      if (path) out.push({ path, span: { from, to } });
      path = '';
      from = -1;
      afterAs = false;
      continue;
    }
    if (c.name === 'as') {
      afterAs = true;
      continue;
    }
    if (afterAs) continue;
    path += text.slice(c.from, c.to);
    if (from < 0) from = c.from;
    to = c.to;
  }
  if (path) out.push({ path, span: { from, to } });
  return out;
}

function checkImport(node: SyntaxNode, text: string, sink: DiagnosticSink): void {
  for (const m of importedModules(node, text)) {
    const root = m.path.split('.')[0] ?? '';
    if (root.startsWith('.') || root === '') {
      sink.error('not-allowed', m.span, `Importing \`${m.path}\` is not allowed: a submission is one file, and relative imports would need other files.`);
    } else if (FORBIDDEN_MODULES.has(root)) {
      sink.error(
        'not-allowed',
        m.span,
        `Importing \`${m.path}\` is not allowed: it exists to run programs or load code, and submitted code must only describe a model.`,
      );
    } else if (!KNOWN_IMPORT_ROOTS.has(root)) {
      sink.info(
        'foreign-import',
        m.span,
        `\`${m.path}\` is imported but never run (the checker runs no code); a value from it may not reach the model, compile() or fit().`,
      );
    }
  }
}
