import { modelRulesFromPolicy, ZModelSpec, type TGradingPolicy, type TModelSpec } from '@epoch/contracts';
import { checkModelRules } from '@epoch/model-spec';

export type TSpecCheck = { ok: true; spec: TModelSpec } | { ok: false; corrupt: boolean; problems: string[] };

/**
 * Re-checks a stored ModelSpec before training: its shape (zod; a failure means the stored row is corrupt, not the
 * student's fault) and the exercise's current policy (which may have changed since the API checked the source), with
 * model-spec's one rules check: the same rules, limits and messages as `./epoch check`, the editor and the API.
 */
export function checkStoredSpec(stored: unknown, policy: TGradingPolicy): TSpecCheck {
  const parsed = ZModelSpec.safeParse(stored);
  if (!parsed.success) {
    return { ok: false, corrupt: true, problems: parsed.error.issues.map((i) => `modelSpec.${i.path.join('.')}: ${i.message}`) };
  }
  const spec = parsed.data;
  const { violations } = checkModelRules(spec, modelRulesFromPolicy(policy));
  // The grader joins the problems into one sentence; the messages' own final periods would double up.
  const problems = violations.map((v) => v.message.replace(/\.$/, ''));
  return problems.length ? { ok: false, corrupt: false, problems } : { ok: true, spec };
}
