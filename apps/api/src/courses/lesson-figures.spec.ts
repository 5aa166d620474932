import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CIFAR10_CLASS_NAMES, IMAGE_BYTES, type TCacheManifest, type TCacheSampleRead } from '@epoch/datasets';
import { checkSource } from '@epoch/model-spec';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import {
  loadReferenceRun,
  NOT_PREPARED,
  neededImages,
  pngSize,
  poolingExample,
  renderLessonFigure,
  FigureNotFoundError,
  type TCourseFileReader,
  type TReferenceRun,
} from './lesson-figures';

/** The repository's course folders; the API reads the same files from the database once a sync stored them. */
const contentDir = join(fileURLToPath(new URL('.', import.meta.url)), '../../../../exercises');
const fromDisk: TCourseFileReader = (course, file) => readFile(join(contentDir, course, file)).catch(() => null);
const COURSE = 'cifar10-intro';
const src = (file: string) => `/figures/${file}`;

/** A dataset read as the service makes it: `labels` at the asked positions, images of one grey each. */
function sample(labels: readonly number[]): TCacheSampleRead {
  const manifest = {
    formatVersion: 1,
    createdAt: '2026-01-02T03:04:05.000Z',
    classNames: [...CIFAR10_CLASS_NAMES],
    layout: '',
    order: '',
    source: { path: 'x', size: 1, mtimeMs: 0, fingerprint: 'x', kind: 'images-archive' },
    splits: {
      train: { offset: 0, count: 25, perClass: [] },
      validation: { offset: 25, count: 0, perClass: [] },
      test: { offset: 25, count: 25, perClass: [] },
    },
    files: { images: { name: 'images.u8', bytes: 0, sha256: '0'.repeat(64) }, labels: { name: 'labels.u8', bytes: 0, sha256: '0'.repeat(64) } },
  } as TCacheManifest;
  const images = new Uint8Array(labels.length * IMAGE_BYTES).map((_, i) => (Math.floor(i / IMAGE_BYTES) * 10) % 256);
  return { ok: true, sample: { manifest, images, labels: [...labels], classNames: CIFAR10_CLASS_NAMES } };
}

describe("the demo course's reference runs", () => {
  const models = readdirSync(join(contentDir, COURSE, 'reference-runs'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);

  it('are the runs the lesson figures show: the dense network, the first CNN (model2) and model3', () => {
    expect(models.sort()).toEqual(['dense', 'model2', 'model3']);
  });

  for (const model of ['dense', 'model2', 'model3']) {
    it(`${model}: valid files, 25 predictions, and still the run of the current solution (same canonical hash)`, async () => {
      const run = await loadReferenceRun(fromDisk, COURSE, model);
      expect(run.history).toHaveLength(run.result.epochs);
      expect(run.predictions?.map((p) => p.index)).toEqual(Array.from({ length: 25 }, (_, i) => i));
      const solution = readFileSync(join(contentDir, run.result.file.replace(/^exercises\//, '')), 'utf8');
      expect(checkSource(solution).hash, `${run.result.file} changed since its reference run: grade it again (see reference-runs/README.md)`).toBe(
        run.result.hash,
      );
    });
  }

  it('model3 has the feature maps of its three convolution layers; both runs saw the same test labels', async () => {
    const [dense, model3] = await Promise.all([loadReferenceRun(fromDisk, COURSE, 'dense'), loadReferenceRun(fromDisk, COURSE, 'model3')]);
    expect(model3.featureMaps?.layers.map((l) => [l.layerName, l.shape])).toEqual([
      ['conv2d', [32, 32, 32]],
      ['conv2d_1', [16, 16, 32]],
      ['conv2d_2', [8, 8, 64]],
    ]);
    expect(dense.predictions?.map((p) => p.label)).toEqual(model3.predictions?.map((p) => p.label));
  });

  it('model2 (the first CNN) overfits, as the lesson says: training accuracy far above validation after 10 epochs', async () => {
    const run = await loadReferenceRun(fromDisk, COURSE, 'model2');
    expect(run.result).toMatchObject({ file: 'exercises/cifar10-intro/cifar10-cnn/solution.py', epochs: 10, limitTrain: null, testImages: 10000 });
    const last = run.history!.at(-1)!;
    expect(last.accuracy - last.valAccuracy!).toBeGreaterThan(0.15);
  });

  it('a missing run is "not found", not a crash', async () => {
    await expect(loadReferenceRun(fromDisk, COURSE, 'nope')).rejects.toThrow(FigureNotFoundError);
  });
});

describe('renderLessonFigure', () => {
  let dense: TReferenceRun;
  let model3: TReferenceRun;
  const labels = async () => {
    dense ??= await loadReferenceRun(fromDisk, COURSE, 'dense');
    model3 ??= await loadReferenceRun(fromDisk, COURSE, 'model3');
    return dense.predictions!.map((p) => p.label);
  };

  it('draws the training grid from the dataset: one PNG with its size, labels in the alt text', () => {
    const f = renderLessonFigure('training-grid', null, sample(Array.from({ length: 25 }, (_, i) => i % 10)), src);
    expect(f.view).toMatchObject({
      status: 'ready',
      name: 'training-grid',
      model: null,
      history: null,
      caption: expect.stringContaining('prepared 2026-01-02'),
    });
    if (f.view.status !== 'ready') return;
    expect(f.view.images).toHaveLength(1);
    const img = f.view.images[0]!;
    expect(img.src).toBe('/figures/training-grid.png');
    expect(img.alt).toMatch(/^25 CIFAR-10 training images: airplane, automobile, bird/);
    expect(pngSize(f.files.get('training-grid.png')!)).toEqual({ width: img.width, height: img.height });
    expect(img.width).toBeGreaterThan(500);
  });

  it('says how to get the dataset when it is not prepared, and why when the cache cannot be read', () => {
    const none = renderLessonFigure('training-grid', null, { ok: false, reason: 'no cache yet' }, src);
    expect(none.view).toEqual({
      status: 'unavailable',
      name: 'training-grid',
      model: null,
      title: '25 training images with their labels',
      message: NOT_PREPARED,
    });
    expect(NOT_PREPARED).toContain('./epoch data prepare');
    const corrupt = renderLessonFigure('training-grid', null, { ok: false, reason: 'the cache is corrupt: x' }, src);
    expect(corrupt.view.status === 'unavailable' && corrupt.view.message).toBe(
      "This figure is drawn from CIFAR-10, but this server's prepared copy cannot be read (the cache is corrupt: x). An administrator can prepare it again with `./epoch data prepare`.",
    );
    expect(corrupt.files.size).toBe(0);
  });

  it('needs no dataset for the accuracy curve: the history of the run, with where it came from', async () => {
    await labels();
    expect(neededImages('accuracy-curve', dense)).toBeNull();
    const f = renderLessonFigure('accuracy-curve', dense, null, src);
    expect(f.view).toMatchObject({ status: 'ready', model: 'dense', title: 'Training and validation accuracy of the dense network', images: [] });
    if (f.view.status !== 'ready') return;
    expect(f.view.history).toHaveLength(10);
    expect(f.view.caption).toMatch(
      /^Epoch's reference run of cifar10-dense\/solution\.py: 10 epochs on the full training data \(batch 64, seed 42, wasm backend\), 37\.4% on the 10,000 test images\. After the last epoch: \d+\.\d% on the training data, \d+\.\d% on the validation data\.$/,
    );
  });

  it("shows the run's predictions on the dataset's test images only when they are the images the run saw", async () => {
    const right = await labels();
    const f = renderLessonFigure('prediction-grid', dense, sample(right), src);
    const correct = dense.predictions!.filter((p) => p.label === p.predicted).length;
    expect(f.view.status === 'ready' && f.view.caption).toContain(`${correct} of these 25 are right`);
    expect(f.files.has('prediction-grid.png')).toBe(true);
    const other = renderLessonFigure('prediction-grid', dense, sample(right.map((l) => (l + 1) % 10)), src);
    expect(other.view.status === 'unavailable' && other.view.message).toMatch(/other test images at these positions/);
  });

  it('draws one picture per convolution layer for the feature maps, with the test image', async () => {
    await labels();
    const need = neededImages('feature-maps', model3)!;
    expect(need).toEqual({ split: 'test', indices: [0], labels: [model3.predictions![0]!.label] });
    const f = renderLessonFigure('feature-maps', model3, sample(need.labels as number[]), src);
    expect(f.view.status === 'ready' && f.view.images.map((i) => i.src)).toEqual(['/figures/conv2d.png', '/figures/conv2d_1.png', '/figures/conv2d_2.png']);
    expect(f.view.status === 'ready' && f.view.caption).toMatch(
      /^Test image 0 \(a \w+\) and what each convolution layer makes of it \(conv2d: 32 maps of 32×32; conv2d_1: 32 maps of 16×16; conv2d_2: 64 maps of 8×8\)/,
    );
  });
});

describe('poolingExample', () => {
  const layer = (values: number[], shape: [number, number, number]) => ({ testImage: 3, layers: [{ layerIndex: 0, layerName: 'conv2d', shape, values }] });

  it('pools the 4×4 window of the first convolution layer whose values differ most, on the 2×2 grid', () => {
    // One map of 6×6 (channels last, one channel): the spread sits in rows 2–5, columns 2–5.
    const map = Array.from({ length: 36 }, (_, i) => {
      const [r, c] = [Math.floor(i / 6), i % 6];
      return r >= 2 && c >= 2 ? (r * 6 + c) % 7 : 0.5;
    });
    const ex = poolingExample(layer(map, [6, 6, 1]))!;
    expect(ex).toMatchObject({ layerName: 'conv2d', filter: 0, testImage: 3, mapSize: [6, 6], row: 2, column: 2 });
    expect(ex.window).toEqual([
      [0, 1, 2, 3],
      [6, 0, 1, 2],
      [5, 6, 0, 1],
      [4, 5, 6, 0],
    ]);
    expect(ex.pooled).toEqual([
      [6, 3],
      [6, 6],
    ]);
  });

  it("works on model3's real feature maps: every pooled value is the largest of its four", async () => {
    const run = await loadReferenceRun(fromDisk, COURSE, 'model3');
    const ex = poolingExample(run.featureMaps)!;
    expect(ex.layerName).toBe('conv2d');
    expect(ex.row % 2).toBe(0);
    expect(ex.column % 2).toBe(0);
    for (let r = 0; r < 2; r++)
      for (let c = 0; c < 2; c++) {
        const pool = [ex.window[2 * r]![2 * c]!, ex.window[2 * r]![2 * c + 1]!, ex.window[2 * r + 1]![2 * c]!, ex.window[2 * r + 1]![2 * c + 1]!];
        expect(ex.pooled[r]![c]).toBe(Math.max(...pool));
      }
    // Each pool's winner leads clearly (no near-ties to confuse the reader at two decimals), and none is a ReLU zero.
    for (let r = 0; r < 2; r++)
      for (let c = 0; c < 2; c++) {
        const pool = [ex.window[2 * r]![2 * c]!, ex.window[2 * r]![2 * c + 1]!, ex.window[2 * r + 1]![2 * c]!, ex.window[2 * r + 1]![2 * c + 1]!];
        const [first, second] = [...pool].sort((a, b) => b - a);
        expect(first! - second!).toBeGreaterThanOrEqual(0.05);
      }
    expect(ex.window.flat().every((v) => v > 0)).toBe(true);
    // Taken from the stored numbers, not made up.
    const l = run.featureMaps!.layers[0]!;
    expect(ex.window[0]![0]).toBe(l.values[(ex.row * l.shape[1] + ex.column) * l.shape[2] + ex.filter]);
    const f = renderLessonFigure('max-pooling', run, null, src);
    expect(f.view.status === 'ready' && f.view.pooling).toEqual(ex);
    expect(f.view.status === 'ready' && f.view.caption).toMatch(
      /^Sixteen real values of feature map \d+ of layer conv2d \(32×32\) for test image 0, rows \d+–\d+, columns \d+–\d+/,
    );
  });

  it('is null for a run without feature maps, and the figure says so', async () => {
    expect(poolingExample(null)).toBeNull();
    const dense = await loadReferenceRun(fromDisk, COURSE, 'dense');
    expect(renderLessonFigure('max-pooling', dense, null, src).view).toMatchObject({
      status: 'unavailable',
      message: 'The reference run "dense" has no feature maps to pool.',
    });
  });
});
