import { describe, expect, it } from 'vitest';
import type { TQueueOutlook } from '@epoch/contracts';
import { congestionText, practiceText, waitText } from './queue-text';

const outlook = (o: Partial<TQueueOutlook> = {}): TQueueOutlook => ({
  graded: { position: 4, waitSeconds: 1500 },
  practice: { position: 9, waitSeconds: 4000 },
  waiting: 8,
  graders: 2,
  congested: true,
  congestionWaitSeconds: 900,
  practiceLeft: 3,
  ...o,
});
const policy = { practiceTrainImages: 5000, practiceEpochs: 3, practiceDailyLimit: 5 };

describe('queue texts', () => {
  it('says the wait and the would-be position before Submit', () => {
    expect(waitText(outlook())).toBe(
      'Wait for a grader now: about 25 min. A submission now would be number 4 in the queue (3 runs ahead; 8 waiting in all, 2 graders).',
    );
    expect(waitText(outlook({ graded: { position: 1, waitSeconds: 0 }, waiting: 0, graders: 1 }))).toBe(
      'Wait for a grader now: under a minute. A submission now would be number 1 in the queue (nothing ahead of it; 0 waiting in all, 1 grader).',
    );
    expect(waitText(outlook({ graded: { position: 2, waitSeconds: null } }))).toMatch(/unknown \(no run of this exercise was timed yet\).*1 run ahead/);
  });
  it('describes a practice run and what is left of today', () => {
    expect(practiceText(policy, outlook())).toBe(
      'A practice run is free: 5,000 training images, 3 epochs, validation metrics only, after graded runs (number 9 in the queue now); 3 of 5 left today.',
    );
    expect(practiceText(policy, outlook({ practiceLeft: null }))).toMatch(/; 5 a day\.$/);
  });
  it('names the wait and the threshold in the congestion banner', () => {
    expect(congestionText(outlook())).toMatch(/^The graders are busy: a submission now would wait about 25 min for a grader \(more than 15 min\)/);
  });
});
