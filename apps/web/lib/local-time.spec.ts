import { describe, expect, it } from 'vitest';
import { formatTime, formatUtc } from './local-time';

describe('formatTime', () => {
  it("writes a time in the given zone (the reader's own in the browser), 24-hour", () => {
    expect(formatTime('2026-12-05T22:23:41.000Z', 'UTC')).toBe('Sat 5 Dec 2026, 22:23');
    expect(formatTime('2026-12-05T22:23:41.000Z', 'Europe/Berlin')).toBe('Sat 5 Dec 2026, 23:23');
    expect(formatTime('2026-12-05T22:23:41.000Z', 'America/New_York')).toBe('Sat 5 Dec 2026, 17:23');
    expect(formatTime('2026-12-05T23:30:00.000Z', 'Asia/Tokyo')).toBe('Sun 6 Dec 2026, 08:30');
  });
  it('says UTC where the zone is not known yet (the server), and leaves a bad value as it is', () => {
    expect(formatUtc('2026-12-05T22:23:41.000Z')).toBe('Sat 5 Dec 2026, 22:23 UTC');
    expect(formatTime('not a time')).toBe('not a time');
  });
});
