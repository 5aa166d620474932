import { describe, expect, it } from 'vitest';
import { ZGradingPolicy } from '@epoch/contracts';
import { policyFromForm, policyToForm } from './policy-form';

const current = ZGradingPolicy.parse({ minTestAccuracy: 0.7, requiredEpochs: 30, maxEpochs: 30, dailyQuota: 10 });

describe('policy form', () => {
  it('round-trips the current policy and applies a raised pass mark', () => {
    const form = policyToForm(current);
    expect(form.minTestAccuracy).toBe('70');
    expect(form.totalQuota).toBe('');
    const r = policyFromForm(current, { ...form, minTestAccuracy: '75', dailyQuota: '' });
    expect(r.errors).toBeNull();
    expect(r.policy).toEqual({ ...current, minTestAccuracy: 0.75, dailyQuota: null });
  });
  it('edits the cost limits: the training work in any number notation, the memories in whole MiB', () => {
    const form = policyToForm(current);
    expect([form.maxTrainingMacs, form.maxActivationMiB, form.maxParamMiB]).toEqual(['3.6e14', '1024', '1024']);
    const r = policyFromForm(current, { ...form, maxTrainingMacs: '2e13', maxActivationMiB: '512' });
    expect(r.policy).toMatchObject({ maxTrainingMacs: 2e13, maxActivationMiB: 512, maxParamMiB: 1024 });
    expect(policyFromForm(current, { ...form, maxParamMiB: '0.5' }).errors).toEqual({ maxParamMiB: 'enter a whole number' });
    expect(policyFromForm(current, { ...form, maxTrainingMacs: '-1' }).errors).toMatchObject({ maxTrainingMacs: expect.any(String) });
  });
  it('edits whether a cancelled training run gives its quota slot back, as a checkbox (absent when not ticked)', () => {
    const form = policyToForm(current);
    expect(form.refundCancelledQuota).toBe('on');
    const { refundCancelledQuota: _ticked, ...unticked } = form;
    expect(policyFromForm(current, unticked).policy).toEqual({ ...current, refundCancelledQuota: false });
    expect(policyToForm({ ...current, refundCancelledQuota: false }).refundCancelledQuota).toBe('');
    expect(policyFromForm(current, { ...form, refundCancelledQuota: 'on' }).policy).toEqual(current);
  });
  it('names the field of each mistake', () => {
    const form = policyToForm(current);
    expect(policyFromForm(current, { ...form, maxEpochs: 'ten' }).errors).toEqual({ maxEpochs: 'enter a number' });
    expect(policyFromForm(current, { ...form, batchSize: '1.5' }).errors).toEqual({ batchSize: 'enter a whole number' });
    expect(policyFromForm(current, { ...form, minTestAccuracy: '120' }).errors).toEqual({ minTestAccuracy: 'must be between 0 and 100' });
    expect(policyFromForm(current, { ...form, requiredEpochs: '40' }).errors).toEqual({ requiredEpochs: 'requiredEpochs cannot exceed maxEpochs' });
    expect(Object.keys(policyFromForm(current, { ...form, deadline: 'tomorrow' }).errors ?? {})).toEqual(['deadline']);
  });
});
