import type { SyntaxNode, Tree } from '@lezer/common';
import type { DiagnosticSink } from './diagnostic-sink';
import { ALLOWED_IMPORT_ROOTS, CODE_RUNNING_LAYERS, FORBIDDEN_NAMES } from './keras-symbols';

const MODULE_NAMES = new Set(['os', 'sys', 'subprocess', 'shutil', 'socket', 'importlib', 'pickle', 'builtins']);

/**
 * Refuses, anywhere in the source (even in code the checker otherwise ignores), what would run code or reach the
 * system if this were executed: eval/exec/open/__import__, os/sys/subprocess, dunder access, Lambda layers and
 * imports of other modules. One pass over the tree with a cursor, so deep nesting cannot overflow the stack.
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
    } else if (name === 'VariableName' && MODULE_NAMES.has(id) && !isAssignTarget(node)) {
      sink.error('not-allowed', node, `\`${id}\` is not allowed: submitted code may not reach the operating system or the interpreter.`);
    } else if (name === 'VariableName' && FORBIDDEN_NAMES.has(id) && isCallee(node)) {
      sink.error('not-allowed', node, `\`${id}()\` is not allowed: it would run code or read files, and Epoch never executes submitted code.`);
    }
  } while (cursor.next());
}

function isCallee(node: SyntaxNode): boolean {
  const parent = node.parent;
  return parent?.name === 'CallExpression' && parent.firstChild?.from === node.from && parent.firstChild.to === node.to;
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
    if (root.startsWith('.') || !ALLOWED_IMPORT_ROOTS.has(root)) {
      sink.error(
        'not-allowed',
        m.span,
        `Importing \`${m.path}\` is not allowed: only tensorflow, keras, numpy, matplotlib and tensorflow_datasets may be imported.`,
      );
    }
  }
}
