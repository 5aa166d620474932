import { policyFromRow, type GradingPolicy } from '@epoch/db';
import type { TStudentPolicyView } from '@epoch/contracts';

/** What students are shown of the live policy (all but the grader's internal switches). */
export function studentPolicyView(row: GradingPolicy): TStudentPolicyView {
  const { reuseCachedResults: _internal, ...visible } = policyFromRow(row);
  return { ...visible, version: row.version };
}
