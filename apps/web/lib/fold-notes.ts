import type { TDiagnostic } from '@epoch/contracts';

/**
 * The editor's list of diagnostics, made readable: the notes on plotting lines (one per line, eight for the lesson's
 * own plotting code, which may stay) fold into one, and a line that has an error shows no note.
 */
export function foldNotes(diagnostics: readonly TDiagnostic[]): TDiagnostic[] {
  const errorLines = new Set(diagnostics.filter((d) => d.severity === 'error').map((d) => d.line));
  const plots = diagnostics.filter((d) => d.code === 'ignored-plot' && !errorLines.has(d.line));
  const out: TDiagnostic[] = [];
  for (const d of diagnostics) {
    if (d.severity === 'info' && errorLines.has(d.line)) continue;
    if (d.code !== 'ignored-plot') out.push(d);
    else if (d === plots[0])
      out.push({
        ...d,
        message:
          plots.length === 1
            ? 'Ignored: 1 line of plotting code does not affect the model.'
            : `${plots.length} lines of plotting code are ignored: they do not affect the model.`,
      });
  }
  return out;
}
