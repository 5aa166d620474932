import { describe, expect, it } from 'vitest';
import { groupFailures } from './class-overview';

describe('the class overview', () => {
  it('groups failure reasons with their numbers aside, diagnostics of rejected work by message, most frequent first', () => {
    const rows = [
      { status: 'FAILED', errorMessage: 'Test accuracy 42.0% is below the required 50.0%.', diagnostics: [] },
      {
        status: 'REJECTED',
        errorMessage: null,
        diagnostics: [
          { severity: 'error', message: 'unknown layer "Dense2"' },
          { severity: 'info', message: 'x' },
        ],
      },
      { status: 'FAILED', errorMessage: 'Test accuracy 47.5% is below the required 50.0%.', diagnostics: [] },
      { status: 'ERROR', errorMessage: 'Not your fault: the training process crashed', diagnostics: [] },
      { status: 'FAILED', errorMessage: 'The loss became NaN at epoch 3.', diagnostics: [] },
      { status: 'FAILED', errorMessage: 'Test accuracy 12.0% is below the required 50.0%.', diagnostics: [] },
    ];
    expect(groupFailures(rows)).toEqual([
      { kind: 'FAILED', reason: 'Test accuracy 42.0% is below the required 50.0%.', count: 3 },
      { kind: 'REJECTED', reason: 'unknown layer "Dense2"', count: 1 },
      { kind: 'ERROR', reason: 'Not your fault: the training process crashed', count: 1 },
      { kind: 'FAILED', reason: 'The loss became NaN at epoch 3.', count: 1 },
    ]);
    expect(groupFailures(rows, 1)).toHaveLength(1);
  });
});
