import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from './main';
import { repoRoot } from './paths';

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
    expect(a.out.join('')).toContain('calibrate SLUG --seeds N [--variant NAME] [--course SLUG] [--wait]');
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
    const f = capture();
    expect(await main(['grade', 'x.py', '--epochs', 'two'], f.io)).toBe(2);
    expect(f.err.join('')).toMatch(/--epochs must be a positive integer, got "two"/);
    const g = capture();
    const t = capture();
    expect(await main(['bench', 'train', '--backend', 'tpu'], t.io)).toBe(2);
    expect(t.err.join('')).toMatch(/--backend must be one of: node-gpu, node, wasm, cpu/);
    const h = capture();
    expect(await main(['bench', 'train', '--runs', '2'], h.io)).toBe(2);
    expect(h.err.join('')).toMatch(/--runs must be at least 3/);
    const i = capture();
    expect(await main(['bench', 'check', '--backend', 'wasm'], i.io)).toBe(2);
    expect(i.err.join('')).toMatch(/--backend and --runs only go with `bench train`/);
    const v = capture();
    expect(await main(['calibrate', 'cifar10-model3', '--seeds', '3', '--variant', ' '], v.io)).toBe(2);
    expect(v.err.join('')).toMatch(/--variant needs a NAME/);
    expect(await main(['bench', 'nothing'], g.io)).toBe(2);
    expect(g.err.join('')).toMatch(/bench needs one of: check, train, epoch, api, queue/);
  });

  it("checks a file against an exercise's rules with --exercise, and names unknown exercises", async () => {
    const solution = readFileSync(join(repoRoot(), 'exercises/cifar10-intro/cifar10-model3/solution.py'), 'utf8');
    const file = join(mkdtempSync(join(tmpdir(), 'epoch-check-')), 'model3.py');
    writeFileSync(file, solution);
    const ok = capture();
    expect(await main(['check', file, '--exercise', 'cifar10-model3', '--json'], ok.io)).toBe(0);
    expect(JSON.parse(ok.out.join(''))).toMatchObject({ ok: true, model: { totalParams: 94_890 }, training: { epochs: 30 } });

    writeFileSync(file, solution.replace(/epochs\s*=\s*30/, 'epochs=20'));
    const wrong = capture();
    expect(await main(['check', file, '--exercise', 'cifar10-model3', '--json'], wrong.io)).toBe(1);
    const result = JSON.parse(wrong.out.join('')) as { errors: { message: string }[] };
    expect(result.errors.map((e) => e.message).join(' ')).toMatch(/30 epochs/);
    // Without the exercise, 20 epochs is fine.
    expect(await main(['check', file, '--json'], capture().io)).toBe(0);

    const unknown = capture();
    expect(await main(['check', file, '--exercise', 'nope'], unknown.io)).toBe(2);
    expect(unknown.err.join('')).toMatch(/no exercise "nope"; known exercises: cifar10-dense, cifar10-cnn, cifar10-model3/);
    const unknownJson = capture();
    expect(await main(['check', file, '--exercise', 'nope', '--json'], unknownJson.io)).toBe(1);
    expect(JSON.parse(unknownJson.out.join(''))).toMatchObject({ ok: false, errors: [{ message: expect.stringMatching(/no exercise "nope"/) as unknown }] });
  });
});
