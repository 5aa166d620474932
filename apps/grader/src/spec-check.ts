import { modelRulesFromPolicy, ZModelRules, ZModelSpec, type TGradingPolicy, type TModelSpec } from '@epoch/contracts';

export type TSpecCheck = { ok: true; spec: TModelSpec } | { ok: false; corrupt: boolean; problems: string[] };

/**
 * Re-checks a stored ModelSpec before training: its shape (zod; a failure means the stored row is corrupt, not the
 * student's fault) and the limits of the exercise's current policy (which may have changed since the API checked the
 * source). The parameter limit is checked after the model is built, where the count is exact.
 */
export function checkStoredSpec(stored: unknown, policy: TGradingPolicy): TSpecCheck {
  const parsed = ZModelSpec.safeParse(stored);
  if (!parsed.success) {
    return { ok: false, corrupt: true, problems: parsed.error.issues.map((i) => `modelSpec.${i.path.join('.')}: ${i.message}`) };
  }
  const spec = parsed.data;
  const rules = ZModelRules.parse(modelRulesFromPolicy(policy));
  const problems: string[] = [];
  if (rules.inputShape && rules.inputShape.join(',') !== spec.inputShape.join(',')) {
    problems.push(`the model's input shape is (${spec.inputShape.join(', ')}); this exercise's images are (${rules.inputShape.join(', ')})`);
  }
  if (rules.requiredEpochs !== undefined && spec.epochs !== rules.requiredEpochs) {
    problems.push(`the model trains for ${spec.epochs} epochs; this exercise requires exactly ${rules.requiredEpochs}`);
  }
  if (spec.epochs > rules.maxEpochs) problems.push(`the model trains for ${spec.epochs} epochs; the limit is ${rules.maxEpochs}`);
  if (spec.layers.length > rules.maxLayers) problems.push(`the model has ${spec.layers.length} layers; the limit is ${rules.maxLayers}`);
  if (rules.allowedLayers) {
    const allowed = new Set(rules.allowedLayers);
    for (const l of spec.layers)
      if (!allowed.has(l.type)) problems.push(`layer "${l.name}" is a ${l.type}; this exercise allows ${rules.allowedLayers.join(', ')}`);
  }
  if (rules.allowedOptimizers && !rules.allowedOptimizers.includes(spec.optimizer.name)) {
    problems.push(`the optimizer ${spec.optimizer.name} is not allowed; this exercise allows ${rules.allowedOptimizers.join(', ')}`);
  }
  // Cost limits (issue 15: training work, activation memory per batch, parameter memory) are re-checked here, before
  // the model is built and before any training child starts: call @epoch/model-spec's shared rules check on `spec`
  // with `rules` and push its problems, so the grader refuses (REJECTED) with the same message the API gave. Until
  // then the training child's memory and time limits stop a model that costs too much (FAILED, with the figure).
  return problems.length ? { ok: false, corrupt: false, problems } : { ok: true, spec };
}
