import { describe, expect, it } from 'vitest';
import { formatInZone, fromZonedInput, lateCreditFromText, lateCreditText, lateCreditToText, toZonedInput } from './schedule-form';

describe('schedule form', () => {
  it("reads and shows times in the course's time zone", () => {
    expect(fromZonedInput('2026-12-24T23:59', 'Europe/Berlin')).toEqual({ iso: '2026-12-24T22:59:00.000Z' });
    expect(fromZonedInput('2026-07-01T09:00', 'America/New_York')).toEqual({ iso: '2026-07-01T13:00:00.000Z' });
    expect(toZonedInput('2026-12-24T22:59:00.000Z', 'Europe/Berlin')).toBe('2026-12-24T23:59');
    expect(toZonedInput(null, 'UTC')).toBe('');
    expect(fromZonedInput('', 'UTC')).toEqual({ iso: null });
    expect(fromZonedInput('tomorrow', 'UTC')).toHaveProperty('error');
    expect(fromZonedInput('2026-02-30T10:00', 'UTC')).toEqual({ error: 'not a valid date' });
    expect(formatInZone('2026-12-24T22:59:00.000Z', 'Europe/Berlin')).toBe('Thu, 24 Dec 2026, 23:59 (Europe/Berlin)');
  });
  it('reads late windows as hours:percent and says them in words', () => {
    expect(lateCreditFromText('24:80, 48:50%')).toEqual({
      lateCredit: [
        { hours: 24, credit: 0.8 },
        { hours: 48, credit: 0.5 },
      ],
    });
    expect(lateCreditFromText(' ')).toEqual({ lateCredit: null });
    expect(lateCreditFromText('48:50, 24:80')).toHaveProperty('error');
    expect(lateCreditFromText('24:120')).toHaveProperty('error');
    expect(lateCreditToText([{ hours: 24, credit: 0.8 }])).toBe('24:80');
    expect(lateCreditText('ACCEPT', [{ hours: 24, credit: 0.8 }])).toBe('80% for 24 h after the deadline, then closed');
    expect(lateCreditText('REFUSE', null)).toBe('late work is not accepted');
    expect(lateCreditText('ACCEPT', null)).toBe('late work counts in full');
  });
});
