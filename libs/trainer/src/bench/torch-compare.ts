import { execFile, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { median } from './throughput';

const run = promisify(execFile);

export const TORCH_BENCH_SCRIPT = fileURLToPath(new URL('../../bench/torch_bench.py', import.meta.url));

export type TTorchResult =
  | { available: true; python: string; version: string; threads: number; train: number; infer: number; trainRuns: number[]; inferRuns: number[] }
  | { available: false; reason: string };

/** Interpreters tried in order: EPOCH_PYTHON, python3 on PATH, Debian's own (where python3-torch installs). */
export function pythonCandidates(env: Record<string, string | undefined> = process.env): string[] {
  return [...new Set([env.EPOCH_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p))];
}

/** Finds a Python that can `import torch`, or says why none can. */
export async function findTorchPython(candidates: string[]): Promise<{ python: string } | { reason: string }> {
  const reasons: string[] = [];
  for (const python of candidates) {
    try {
      await run(python, ['-c', 'import torch'], { timeout: 60_000 });
      return { python };
    } catch (e) {
      const err = e as NodeJS.ErrnoException & { stderr?: string };
      reasons.push(`${python}: ${err.code === 'ENOENT' ? 'not found' : (err.stderr ?? '').trim().split('\n').pop() || err.message}`);
    }
  }
  return { reason: reasons.join('; ') };
}

/** Runs bench/torch_bench.py (model3, Adam, same batch and image count) in the first Python with PyTorch. */
export async function runTorchBench(opts: { images: number; batchSize: number; runs: number; threads: number; candidates?: string[] }): Promise<TTorchResult> {
  const found = await findTorchPython(opts.candidates ?? pythonCandidates());
  if ('reason' in found) return { available: false, reason: found.reason };
  const { stdout } = await run(
    found.python,
    [TORCH_BENCH_SCRIPT, '--threads', String(opts.threads), '--batch', String(opts.batchSize), '--images', String(opts.images), '--runs', String(opts.runs)],
    { timeout: 30 * 60_000 },
  );
  const line = stdout.trim().split('\n').pop() ?? '';
  const r = JSON.parse(line) as { torch: string; threads: number; train: number[]; infer: number[] };
  return {
    available: true,
    python: found.python,
    version: r.torch,
    threads: r.threads,
    train: median(r.train),
    infer: median(r.infer),
    trainRuns: r.train,
    inferRuns: r.infer,
  };
}

/** A PyTorch process (bench/torch_bench.py --rounds) that runs one training and one inference pass per `round()`. */
export interface TTorchRounds {
  python: string;
  version: string;
  threads: number;
  round(): Promise<{ train: number; infer: number }>;
  close(): void;
}

/**
 * Starts bench/torch_bench.py in round mode (warmed up when this resolves), so that its passes can be interleaved with
 * another engine's under the same machine load; null with the reason when no Python has PyTorch.
 */
export async function startTorchRounds(opts: {
  images: number;
  batchSize: number;
  threads: number;
  candidates?: string[];
}): Promise<TTorchRounds | { reason: string }> {
  const found = await findTorchPython(opts.candidates ?? pythonCandidates());
  if ('reason' in found) return found;
  const child = spawn(
    found.python,
    [TORCH_BENCH_SCRIPT, '--rounds', '--threads', String(opts.threads), '--batch', String(opts.batchSize), '--images', String(opts.images)],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, unknown>> => {
    const r = await lines.next();
    if (r.done) throw new Error(`torch_bench.py ended early: ${stderr.trim().split('\n').pop() ?? 'no output'}`);
    return JSON.parse(r.value) as Record<string, unknown>;
  };
  const hello = await next();
  return {
    python: found.python,
    version: String(hello['torch']),
    threads: Number(hello['threads']),
    async round() {
      child.stdin.write('run\n');
      const r = await next();
      return { train: Number(r['train']), infer: Number(r['infer']) };
    },
    close() {
      child.stdin.end();
    },
  };
}
