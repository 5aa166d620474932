import { describe, expect, it } from 'vitest';
import { eventStreamUrl, reconnectDelayMs } from './event-stream';

describe('eventStreamUrl', () => {
  it('resumes after the last event received (the API reads ?lastEventId= like the Last-Event-ID header)', () => {
    expect(eventStreamUrl('abc', null)).toBe('/api/submissions/abc/events');
    expect(eventStreamUrl('a/b', '2.7')).toBe('/api/submissions/a%2Fb/events?lastEventId=2.7');
  });
});

describe('reconnectDelayMs', () => {
  it('waits longer after each failed attempt, at most 10 s', () => {
    expect([0, 1, 2, 3, 4, 5, 50].map(reconnectDelayMs)).toEqual([1000, 2000, 4000, 8000, 10000, 10000, 10000]);
  });
});
