import { describe, expect, it } from 'vitest';
import { studentPolicyView } from './policy-row';
import { POLICY_ROW_FIXTURE as row } from '@epoch/db/testing';

describe('the student view of a policy', () => {
  it('shows students everything but the reuse switch, with the version', () => {
    const v = studentPolicyView(row);
    expect(v).not.toHaveProperty('reuseCachedResults');
    expect(v).toMatchObject({ version: 4, dailyQuota: 3, deadline: '2030-01-01T12:00:00.000Z', maxTrainingMacs: 2e13, maxActivationMiB: 256, maxParamMiB: 64 });
  });
});
