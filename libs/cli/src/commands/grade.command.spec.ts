import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZGradingPolicy } from '@epoch/contracts';
import { syntheticImages } from '@epoch/trainer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../paths';
import { runGradeCommand, type TGradeData } from './grade.command';

const MODEL3 = join(repoRoot(), 'exercises/cifar10-intro/cifar10-model3/solution.py');
const CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) }, out, err };
}

let loads = 0;
const loadData = async (): Promise<TGradeData> => {
  loads++;
  return { train: syntheticImages(96, 1, 32), validation: syntheticImages(32, 2, 32), test: syntheticImages(40, 3, 32), classNames: CLASSES };
};

describe('./epoch grade', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'epoch-grade-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('checks, trains and evaluates the lesson model3, prints the result and writes the plot data', async () => {
    const { io, out, err } = capture();
    const policy = ZGradingPolicy.parse({ minTestAccuracy: 0, requiredEpochs: 30, maxEpochs: 30 });
    const code = await runGradeCommand(
      { file: MODEL3, policy, exercise: 'cifar10-model3', epochs: 1, limitTrain: 64, limitTest: 20, out: dir, loadData, backend: { backend: 'wasm' } },
      io,
    );
    expect(code).toBe(0);
    expect(err.some((l) => /^epoch 1\/1 \[#+\] 1\/1 /.test(l))).toBe(true);
    expect(err.some((l) => /94,890 parameters, 1 epoch\(s\) x 64 images, batch 64, seed 42, backend wasm/.test(l))).toBe(true);
    expect(out[0]).toMatch(/^Test accuracy: \d+\.\d% \(loss \d\.\d{4}, 20 test images, 1 epoch\(s\)/);
    expect(out).toContain('PASSED: at least 0.0% is required');
    const result = JSON.parse(await readFile(join(dir, 'result.json'), 'utf8')) as { parameters: number; testImages: number; backend: { name: string } };
    expect(result).toMatchObject({ parameters: 94_890, testImages: 20, backend: { name: 'wasm' } });
    const history = JSON.parse(await readFile(join(dir, 'history.json'), 'utf8')) as { epoch: number; valAccuracy: number }[];
    expect(history.map((h) => h.epoch)).toEqual([1]);
    expect(typeof history[0]?.valAccuracy).toBe('number');
    const evaluation = JSON.parse(await readFile(join(dir, 'evaluation.json'), 'utf8')) as { confusionMatrix: number[][] };
    expect(evaluation.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(20);
    const predictions = JSON.parse(await readFile(join(dir, 'predictions.json'), 'utf8')) as { labelName: string }[];
    expect(predictions).toHaveLength(20); // the first 25, bounded by --limit-test 20
    expect(predictions[0]?.labelName).toBe('airplane');
    const maps = JSON.parse(await readFile(join(dir, 'feature-maps.json'), 'utf8')) as { layers: { layerName: string; shape: number[] }[] };
    expect(maps.layers.map((l) => [l.layerName, l.shape])).toEqual([
      ['conv2d', [32, 32, 32]],
      ['conv2d_1', [16, 16, 32]],
      ['conv2d_2', [8, 8, 64]],
    ]);
    expect(JSON.parse(await readFile(join(dir, 'model', 'model.json'), 'utf8'))).toHaveProperty('weightsManifest');
  }, 120_000);

  it('reports NOT PASSED and exits 1 below the pass mark', async () => {
    const { io, out } = capture();
    const policy = ZGradingPolicy.parse({ minTestAccuracy: 1 });
    const code = await runGradeCommand(
      { file: MODEL3, policy, epochs: 1, limitTrain: 64, limitTest: 10, out: join(dir, 'b'), loadData, backend: { backend: 'wasm' } },
      io,
    );
    expect(code).toBe(1);
    expect(out).toContain('NOT PASSED: 100.0% is required');
  }, 120_000);

  it('--seed overrides the exercise seed, is recorded, and changes the trained weights', async () => {
    const policy = ZGradingPolicy.parse({ minTestAccuracy: 0, seed: 42 });
    const run = async (seed: number | undefined, sub: string) => {
      const { io, err } = capture();
      const code = await runGradeCommand(
        { file: MODEL3, policy, seed, epochs: 1, limitTrain: 64, limitTest: 10, out: join(dir, sub), loadData, backend: { backend: 'wasm' } },
        io,
      );
      expect(code).toBe(0);
      const result = JSON.parse(await readFile(join(dir, sub, 'result.json'), 'utf8')) as { seed: number; testLoss: number };
      return { result, err };
    };
    const a = await run(7, 's7');
    expect(a.result.seed).toBe(7);
    expect(a.err.some((l) => /seed 7, backend wasm/.test(l))).toBe(true);
    const b = await run(undefined, 's42');
    expect(b.result.seed).toBe(42);
    expect(b.result.testLoss).not.toBe(a.result.testLoss);
  }, 120_000);

  it('trains nothing when the submission fails the check, and says why', async () => {
    const file = join(dir, 'broken.py');
    await writeFile(file, 'model = Sequential([Dense(10, activation="softmax")])\nmodel.compile(optimizer="adam", loss="categorical_crossentropy")\n');
    const before = loads;
    const { io, err } = capture();
    expect(await runGradeCommand({ file, loadData }, io)).toBe(1);
    expect(err.at(-1)).toBe('epoch grade: the submission does not pass the check; nothing was trained');
    expect(loads).toBe(before);
  });

  it('says when the file does not exist', async () => {
    const { io, err } = capture();
    expect(await runGradeCommand({ file: join(dir, 'nope.py'), loadData }, io)).toBe(1);
    expect(err).toEqual([`epoch grade: ${join(dir, 'nope.py')}: no such file`]);
  });
});

describe('./epoch grade without data', () => {
  it('says that CIFAR-10 could not be loaded', async () => {
    const { io, err } = capture();
    const code = await runGradeCommand(
      {
        file: MODEL3,
        epochs: 1,
        backend: { backend: 'wasm' },
        loadData: async () => {
          throw new Error('EPOCH_CIFAR10 is not set');
        },
      },
      io,
    );
    expect(code).toBe(1);
    expect(err.at(-1)).toBe('epoch grade: cannot load CIFAR-10: EPOCH_CIFAR10 is not set');
  });
});
