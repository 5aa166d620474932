import { CIFAR10_MODEL_RULES, type TModelRulesInput, type TStudentPolicyView } from '@epoch/contracts';

/** The model rules the editor checks against: the same ones the API derives from the full policy. */
export function rulesFromStudentPolicy(p: TStudentPolicyView): TModelRulesInput {
  return {
    ...CIFAR10_MODEL_RULES,
    inputShape: [...CIFAR10_MODEL_RULES.inputShape],
    ...(p.requiredEpochs !== null ? { requiredEpochs: p.requiredEpochs } : {}),
    maxEpochs: p.maxEpochs,
    maxParams: p.maxParams,
    ...(p.allowedLayers ? { allowedLayers: p.allowedLayers as NonNullable<TModelRulesInput['allowedLayers']> } : {}),
    ...(p.allowedOptimizers ? { allowedOptimizers: p.allowedOptimizers as NonNullable<TModelRulesInput['allowedOptimizers']> } : {}),
  };
}

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
