import { describe, expect, it } from 'vitest';
import { resultHidden } from './visibility';

const now = new Date('2030-01-01T00:00:00Z');
const before = new Date('2030-01-02T00:00:00Z');
const after = new Date('2029-12-31T00:00:00Z');

describe('resultHidden', () => {
  it('hides from the owner until an AFTER_DEADLINE deadline passes', () => {
    expect(resultHidden({ resultVisibility: 'AFTER_DEADLINE', deadline: before }, 'OWNER', now)).toBe(true);
    expect(resultHidden({ resultVisibility: 'AFTER_DEADLINE', deadline: after }, 'OWNER', now)).toBe(false);
  });
  it('never hides from staff, under IMMEDIATE, or without a deadline', () => {
    expect(resultHidden({ resultVisibility: 'AFTER_DEADLINE', deadline: before }, 'STAFF', now)).toBe(false);
    expect(resultHidden({ resultVisibility: 'IMMEDIATE', deadline: before }, 'OWNER', now)).toBe(false);
    expect(resultHidden({ resultVisibility: 'AFTER_DEADLINE', deadline: null }, 'OWNER', now)).toBe(false);
    expect(resultHidden(null, 'OWNER', now)).toBe(false);
  });
});
