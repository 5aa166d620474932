import type { TDiagnostic } from '@epoch/contracts';
import type { TCheckReport } from './check-source';
import { bytes, si } from './rules-check';

const thousands = (n: number): string => n.toLocaleString('en-US');
const shape = (s: readonly number[]): string => `(${['None', ...s].join(', ')})`;

/** A `model.summary()`-style table (Keras's columns and shape notation, with the batch dimension as None). */
export function formatSummaryTable(summary: NonNullable<TCheckReport['summary']>): string {
  const rows = summary.rows.map((r) => [`${r.name} (${r.type})`, shape(r.outputShape), thousands(r.params)] as const);
  const head = ['Layer (type)', 'Output Shape', 'Param #'] as const;
  const w0 = Math.max(head[0].length, ...rows.map((r) => r[0].length));
  const w1 = Math.max(head[1].length, ...rows.map((r) => r[1].length));
  const w2 = Math.max(head[2].length, ...rows.map((r) => r[2].length));
  const line = (a: string, b: string, c: string) => `${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c.padStart(w2)}`;
  const rule = '─'.repeat(w0 + w1 + w2 + 4);
  const nonTrainable = summary.totalParams - summary.trainableParams;
  return [
    `Model: "${summary.modelName}"`,
    rule,
    line(...head),
    rule,
    ...rows.map((r) => line(...r)),
    rule,
    `Total params: ${thousands(summary.totalParams)}`,
    `Trainable params: ${thousands(summary.trainableParams)}`,
    `Non-trainable params: ${thousands(nonTrainable)}`,
  ].join('\n');
}

export function formatDiagnostic(d: TDiagnostic, file = ''): string {
  return `${file ? `${file}:` : ''}${d.line}:${d.column}: ${d.severity}: ${d.message}`;
}

/** What `./epoch check FILE` prints for a person: the table, the training settings and the problems. */
export function formatReport(report: TCheckReport, file = ''): string {
  const out: string[] = [];
  if (report.summary) out.push(formatSummaryTable(report.summary), '');
  if (report.training) {
    const t = report.training;
    out.push(`Training: ${t.epochs} epochs, batch size ${t.batchSize}, optimizer ${t.optimizer} (learning rate ${t.learningRate}), loss ${t.loss}`);
    const c = report.cost;
    if (c) {
      out.push(
        `Cost: ${si(c.forwardMacs)} multiply-adds per image, ${si(c.trainingMacs)} to train (× 3 × ${c.trainImages.toLocaleString('en-US')} images × ${t.epochs} epochs); ${bytes(c.activationBytes)} of activations per batch of ${c.batchSize}; ${bytes(c.paramBytes)} of weights, gradients and optimizer state`,
      );
    }
    out.push('');
  }
  for (const d of report.diagnostics) if (d.severity !== 'info') out.push(formatDiagnostic(d, file));
  const e = report.errors.length;
  const w = report.warnings.length;
  out.push(
    report.ok
      ? `OK${w ? ` (${w} warning${w === 1 ? '' : 's'})` : ''}${report.hash ? ` · hash ${report.hash.slice(0, 12)}` : ''}`
      : `${e} error${e === 1 ? '' : 's'}${w ? `, ${w} warning${w === 1 ? '' : 's'}` : ''}`,
  );
  return out.join('\n');
}
