import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZLessonFigureView } from '@epoch/contracts';
import { randomImages, writeCacheFixture } from '@epoch/datasets/testing';
import { root } from '../helpers';
import { Client, startApi, type ApiUnderTest } from './api-harness';

const COURSE = 'cifar10-intro';
const base = `/api/courses/${COURSE}/data-figures`;

/** The test labels the demo course's reference runs saw at positions 0..24 (a cache must match them to show predictions). */
const referenceLabels = (
  JSON.parse(readFileSync(join(root, 'exercises', COURSE, 'reference-runs', 'dense', 'predictions.json'), 'utf8')) as { label: number }[]
).map((p) => p.label);

describe('lesson data figures (public): drawn from the prepared dataset and the reference runs', () => {
  let api: ApiUnderTest;
  let dataDir: string;
  const anon = () => new Client(api.base);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'epoch-figures-'));
    api = await startApi({ EPOCH_DATA_DIR: dataDir });
  });
  afterAll(async () => {
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('says in words that CIFAR-10 is not prepared, and serves no picture, while there is no cache', async () => {
    const r = await anon().get(`${base}/training-grid`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      status: 'unavailable',
      name: 'training-grid',
      model: null,
      title: '25 training images with their labels',
      message: expect.stringContaining('./epoch data prepare'),
    });
    const png = await anon().get(`${base}/training-grid/training-grid.png`);
    expect(png.status).toBe(404);
    expect(png.body.error).toEqual({ code: 'figure_unavailable', message: r.body.message });
    expect((await anon().get(`${base}/prediction-grid`)).body.status).toBe('unavailable');
  });

  it('draws the accuracy curve from the reference run alone (no dataset needed)', async () => {
    const r = await anon().get(`${base}/accuracy-curve?model=dense`);
    expect(ZLessonFigureView.parse(r.body)).toMatchObject({
      status: 'ready',
      model: 'dense',
      images: [],
      caption: expect.stringMatching(/37\.4% on the 10,000 test images/),
    });
    expect(r.body.history.map((h: { epoch: number }) => h.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect((await anon().get(`${base}/accuracy-curve`)).body.model).toBe('dense');
    // The first CNN's run: the overfitting step's curves.
    const model2 = await anon().get(`${base}/accuracy-curve?model=model2`);
    expect(ZLessonFigureView.parse(model2.body)).toMatchObject({ status: 'ready', model: 'model2', title: 'Training and validation accuracy of model2' });
    expect(model2.body.history).toHaveLength(10);
  });

  it('works 2×2 max pooling on real feature-map values of model3 (no dataset needed)', async () => {
    const r = await anon().get(`${base}/max-pooling`);
    const view = ZLessonFigureView.parse(r.body);
    expect(view).toMatchObject({ status: 'ready', name: 'max-pooling', model: 'model3', images: [], history: null });
    if (view.status !== 'ready' || !view.pooling) throw new Error('no pooling example');
    expect(view.pooling.layerName).toBe('conv2d');
    expect(view.pooling.pooled.flat()).toEqual(
      [0, 1, 2, 3].map((p) => Math.max(...[0, 1, 2, 3].map((i) => view.pooling!.window[2 * Math.floor(p / 2) + Math.floor(i / 2)]![2 * (p % 2) + (i % 2)]!))),
    );
  });

  it('once the data is prepared (no restart), draws the training grid, the predictions and the feature maps as PNGs', async () => {
    await writeCacheFixture(join(dataDir, 'cifar10'), {
      train: randomImages(30, 1),
      validation: randomImages(5, 2),
      test: randomImages(25, 3, (i) => referenceLabels[i]!),
    });
    const grid = await anon().get(`${base}/training-grid`);
    expect(ZLessonFigureView.parse(grid.body)).toMatchObject({
      status: 'ready',
      images: [{ src: `${base}/training-grid/training-grid.png`, width: expect.any(Number), height: expect.any(Number) }],
    });
    const png = await fetch(`${api.base}${grid.body.images[0].src}`);
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    const bytes = new Uint8Array(await png.arrayBuffer());
    expect([...bytes.subarray(1, 4)].map((b) => String.fromCharCode(b)).join('')).toBe('PNG');
    expect(new DataView(bytes.buffer).getUint32(16)).toBe(grid.body.images[0].width);

    const predictions = await anon().get(`${base}/prediction-grid`);
    expect(predictions.body).toMatchObject({
      status: 'ready',
      model: 'dense',
      caption: expect.stringMatching(/^P: the predicted class, A: the actual class; green when right, red when wrong\. \d+ of these 25 are right\./),
    });
    expect((await fetch(`${api.base}${predictions.body.images[0].src}`)).status).toBe(200);

    const maps = await anon().get(`${base}/feature-maps?model=model3`);
    expect(maps.body.status).toBe('ready');
    expect(maps.body.images.map((i: { src: string }) => i.src)).toEqual(
      ['conv2d', 'conv2d_1', 'conv2d_2'].map((l) => `${base}/feature-maps/${l}.png?model=model3`),
    );
    for (const img of maps.body.images as { src: string }[]) expect((await fetch(`${api.base}${img.src}`)).status).toBe(200);
  });

  it('answers unknown figures, runs, pictures and courses with 404, and a malformed run name with 400', async () => {
    const c = anon();
    const cases: [string, number, RegExp][] = [
      [`${base}/loss-curve`, 404, /no data figure "loss-curve" \(known: training-grid, accuracy-curve, prediction-grid, feature-maps, max-pooling\)/],
      [`${base}/accuracy-curve?model=resnet`, 404, /course "cifar10-intro" has no reference run "resnet"/],
      [`${base}/training-grid?model=dense`, 404, /training grid shows the dataset, not a reference run/],
      [`${base}/training-grid/other.png`, 404, /figure "training-grid" has no picture "other\.png"/],
      ['/api/courses/no-such-course/data-figures/training-grid', 404, /no course "no-such-course"/],
      [`${base}/accuracy-curve?model=../x`, 400, /invalid query/],
      [`${base}/accuracy-curve?colour=red`, 400, /invalid query/],
    ];
    for (const [path, status, message] of cases) {
      const r = await c.get(path);
      expect([path, r.status]).toEqual([path, status]);
      expect(r.body.error.message).toMatch(message);
    }
  });
});
