/** A 1-based line/column turned into a document offset, clamped into the document (diagnostics may point past the end). */
export function offsetOf(lineStarts: readonly number[], docLength: number, line: number, column: number): number {
  const l = Math.min(Math.max(line, 1), lineStarts.length);
  const start = lineStarts[l - 1] ?? 0;
  const lineEnd = l < lineStarts.length ? (lineStarts[l] ?? docLength) - 1 : docLength;
  return Math.min(start + Math.max(column - 1, 0), lineEnd, docLength);
}

export function formatShape(shape: readonly number[]): string {
  return `(None, ${shape.join(', ')})`;
}
