import { describe, expect, it } from 'vitest';
import { frameAncestorsSource, FRAME_ANCESTORS_TTL_MS } from './frame-ancestors';

describe('frame-ancestors from the LTI registrations', () => {
  it("takes the API's origins (dropping anything that is not an origin), refetches after the TTL, and survives the API being down", async () => {
    let clock = 0;
    let answer: unknown = { origins: ['https://moodle.example.edu', 'https://canvas.example.edu', 'javascript:alert(1)'] };
    let calls = 0;
    const fakeFetch = (async () => {
      calls++;
      if (answer === 'down') throw new Error('ECONNREFUSED');
      return new Response(JSON.stringify(answer), { status: 200 });
    }) as unknown as typeof fetch;
    const source = frameAncestorsSource('http://127.0.0.1:3001', fakeFetch, () => clock);
    expect(await source()).toEqual(['https://moodle.example.edu', 'https://canvas.example.edu']);
    expect(await source()).toEqual(['https://moodle.example.edu', 'https://canvas.example.edu']);
    expect(calls).toBe(1);
    answer = 'down';
    clock += FRAME_ANCESTORS_TTL_MS + 1;
    expect(await source()).toEqual(['https://moodle.example.edu', 'https://canvas.example.edu']);
    answer = { origins: [] };
    clock += 10_000;
    expect(await source()).toEqual([]);
  });
});
