import { describe, expect, it } from 'vitest';
import { main } from './main';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) }, out, err };
}

describe('epoch CLI', () => {
  it('prints usage with exit 0 for help and 2 with no command', async () => {
    const a = capture();
    expect(await main(['help'], a.io)).toBe(0);
    expect(a.out.join('')).toMatch(/Usage: \.\/epoch <command>/);
    const b = capture();
    expect(await main([], b.io)).toBe(2);
  });

  it('rejects an unknown command with exit 2 and the usage', async () => {
    const c = capture();
    expect(await main(['fly'], c.io)).toBe(2);
    expect(c.err.join('')).toMatch(/unknown command "fly"/);
  });

  it('rejects unknown options and bad sub-commands as usage errors', async () => {
    const c = capture();
    expect(await main(['db', 'explode'], c.io)).toBe(2);
    expect(c.err.join('')).toMatch(/db needs one of: migrate, seed, reset/);
    const d = capture();
    expect(await main(['db', 'seed', '--create', 'x'], d.io)).toBe(2);
    expect(d.err.join('')).toMatch(/--create only goes with `db migrate`/);
    const e = capture();
    expect(await main(['up', '--bogus'], e.io)).toBe(2);
    expect(e.err.join('')).toMatch(/bogus/);
  });
});
