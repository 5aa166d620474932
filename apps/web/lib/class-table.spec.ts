import { describe, expect, it } from 'vitest';
import type { TClassResultRow } from '@epoch/contracts';
import { classView, liveStatusCell, passedCell, retrainMessage } from './class-table';

const row = (name: string, best: number | null, passed: boolean, attempts: number, late = false): TClassResultRow => ({
  userId: name,
  email: `${name.toLowerCase()}@x.test`,
  name,
  attempts,
  bestTestAccuracy: best,
  latestTestAccuracy: best,
  passed,
  lastSubmissionAt: attempts ? '2026-01-01T00:00:00.000Z' : null,
  late,
  latestSubmissionId: attempts ? `s-${name}` : null,
  latestStatus: attempts ? (passed ? 'PASSED' : 'FAILED') : null,
  counted: null,
});
const rows = [row('Cleo', 0.72, true, 2), row('Abe', null, false, 0), row('Bo', 0.55, false, 1, true)];
const names = (r: TClassResultRow[]) => r.map((x) => x.name);

describe('classView', () => {
  it('sorts either way with students without a result last', () => {
    expect(names(classView(rows, { query: '', filter: 'all', sort: 'bestTestAccuracy', desc: true }))).toEqual(['Cleo', 'Bo', 'Abe']);
    expect(names(classView(rows, { query: '', filter: 'all', sort: 'bestTestAccuracy', desc: false }))).toEqual(['Bo', 'Cleo', 'Abe']);
    expect(names(classView(rows, { query: '', filter: 'all', sort: 'name', desc: false }))).toEqual(['Abe', 'Bo', 'Cleo']);
  });
  it('filters by state and by name or email', () => {
    expect(names(classView(rows, { query: '', filter: 'passed', sort: 'name', desc: false }))).toEqual(['Cleo']);
    expect(names(classView(rows, { query: '', filter: 'late', sort: 'name', desc: false }))).toEqual(['Bo']);
    expect(names(classView(rows, { query: '', filter: 'no-attempt', sort: 'name', desc: false }))).toEqual(['Abe']);
    expect(names(classView(rows, { query: 'BO@', filter: 'all', sort: 'name', desc: false }))).toEqual(['Bo']);
  });
});

describe('retrainMessage', () => {
  it('says how many were queued and why the others were not', () => {
    expect(retrainMessage({ changed: ['a'], skipped: [] })).toBe('Queued 1 submission for re-training; its old result is replaced when the grader finishes.');
    expect(
      retrainMessage({
        changed: ['a', 'b'],
        skipped: [
          { id: 'c', reason: 'cannot retrain a QUEUED submission' },
          { id: 'd', reason: 'cannot retrain a QUEUED submission' },
        ],
      }),
    ).toBe('Queued 2 submissions for re-training; their old results are replaced when the grader finishes. 2 not queued (cannot retrain a QUEUED submission).');
    expect(retrainMessage({ changed: [], skipped: [{ id: 'c', reason: 'not a submission of this exercise' }] })).toBe(
      'Nothing was queued for re-training. 1 not queued (not a submission of this exercise).',
    );
  });
});

describe('passedCell', () => {
  it('gives a verdict only once there is one: a queued or training submission shows its status', () => {
    expect(passedCell({ passed: false, bestTestAccuracy: null, latestStatus: 'RUNNING' })).toEqual({ text: 'Training', tone: 'run' });
    expect(passedCell({ passed: false, bestTestAccuracy: null, latestStatus: 'QUEUED' })).toEqual({ text: 'Queued', tone: 'wait' });
    // An earlier failed result and a new run in training: the run is what is happening now.
    expect(passedCell({ passed: false, bestTestAccuracy: 0.4, latestStatus: 'RUNNING' }).text).toBe('Training');
    expect(passedCell({ passed: true, bestTestAccuracy: 0.8, latestStatus: 'RUNNING' })).toEqual({ text: 'yes', tone: 'pass' });
    expect(passedCell({ passed: false, bestTestAccuracy: 0.4, latestStatus: 'FAILED' })).toEqual({ text: 'no', tone: 'fail' });
    expect(passedCell({ passed: false, bestTestAccuracy: null, latestStatus: 'REJECTED' }).text).toBe('no');
    expect(passedCell({ passed: false, bestTestAccuracy: null, latestStatus: 'ERROR' })).toEqual({ text: '—', tone: 'neutral' });
    expect(passedCell({ passed: false, bestTestAccuracy: null, latestStatus: null })).toEqual({ text: '—', tone: 'neutral' });
  });
});

describe('the Status column', () => {
  const live = (epoch: number, phase: 'loading' | 'training' | 'evaluating' = 'training') => ({
    phase,
    attempt: 1,
    epoch,
    epochs: 30,
    batch: 3,
    batches: 700,
    loss: 1,
    accuracy: 0.4,
    imagesPerSecond: 100,
    etaSeconds: 60,
  });
  it('follows the latest submission: queued with its place, training n of N, then the final status', () => {
    expect(liveStatusCell(null)).toEqual({ text: '—', tone: 'neutral' });
    expect(liveStatusCell({ status: 'QUEUED', queuePosition: 3, live: null, epochs: [] })).toEqual({ text: 'queued (#3)', tone: 'wait' });
    expect(liveStatusCell({ status: 'RUNNING', queuePosition: null, live: live(0, 'loading'), epochs: [] }).text).toBe('starting');
    expect(liveStatusCell({ status: 'RUNNING', queuePosition: null, live: live(0), epochs: [] })).toEqual({ text: 'training 1 of 30', tone: 'run' });
    expect(liveStatusCell({ status: 'RUNNING', queuePosition: null, live: live(12), epochs: [] }).text).toBe('training 13 of 30');
    expect(liveStatusCell({ status: 'RUNNING', queuePosition: null, live: live(30, 'evaluating'), epochs: [] }).text).toBe('evaluating');
    expect(liveStatusCell({ status: 'PASSED', queuePosition: null, live: null, epochs: [] })).toEqual({ text: 'passed', tone: 'pass' });
    expect(liveStatusCell({ status: 'ERROR', queuePosition: null, live: null, epochs: [] })).toEqual({ text: 'error', tone: 'fail' });
  });
});
