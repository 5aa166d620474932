import { describe, expect, it, onTestFinished } from 'vitest';
import { CIFAR10_CLASS_NAMES, IMAGE_BYTES } from './classes';
import { ImageCollector } from './image-collector';
import { encodePng, fixtureColour, uniformImage } from './testing/fixtures';

describe('ImageCollector', () => {
  it('orders images by class in canonical order, then by file name in code-unit order', async () => {
    const collector = new ImageCollector('src');
    onTestFinished(() => collector.close());
    const add = (split: 'train' | 'test', cls: string, label: number, name: string, index: number) =>
      collector.add(split, cls, name, 'png', encodePng(uniformImage(fixtureColour(label, index))), name);
    for (const cls of ['truck', 'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship'])
      add('test', cls, ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'].indexOf(cls), 'a.png', 0);
    add('train', 'cat', 3, 'b10.png', 2);
    add('train', 'airplane', 0, 'x.png', 0);
    add('train', 'cat', 3, 'B.png', 0);
    add('train', 'cat', 3, 'b09.png', 1);
    for (const [label, cls] of ['automobile', 'bird', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'].entries())
      add('train', cls, [1, 2, 4, 5, 6, 7, 8, 9][label] as number, 'z.png', 0);
    const { train, test } = await collector.finish();
    expect(Array.from(test.labels)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(train.labels)).toEqual([0, 1, 2, 3, 3, 3, 4, 5, 6, 7, 8, 9]);
    // The cat images: 'B.png' < 'b09.png' < 'b10.png' (upper case sorts first, whatever the locale).
    const green = (i: number) => train.images[i * IMAGE_BYTES + 1];
    expect([green(3), green(4), green(5)]).toEqual([0, 1, 2].map((i) => fixtureColour(3, i)[1]));
  });

  it('names the split and the missing classes', async () => {
    const collector = new ImageCollector('src');
    onTestFinished(() => collector.close());
    collector.add('train', 'cat', 'a.png', 'png', encodePng(uniformImage([1, 2, 3])), 'a.png');
    await expect(collector.finish()).rejects.toThrow(/src: train\/ has no images for the classes airplane, automobile, bird, deer/);
    await expect(new ImageCollector('src').finish()).rejects.toThrow(/no images found in train\/<class>\//);
  });

  it('decodes many batches on several workers and keeps every image with its own file', async () => {
    const collector = new ImageCollector('src', undefined, 2);
    onTestFinished(() => collector.close());
    const perClass = 60; // 1,200 images: several 256-image batches spread over both workers
    for (const split of ['train', 'test'] as const) {
      CIFAR10_CLASS_NAMES.forEach((cls, label) => {
        for (let i = 0; i < perClass; i++)
          collector.add(split, cls, `${String(i).padStart(3, '0')}.png`, 'png', encodePng(uniformImage(fixtureColour(label, i % 20))), cls);
      });
    }
    const { train } = await collector.finish();
    expect(train.labels).toHaveLength(600);
    for (let k = 0; k < 600; k++) {
      const label = Math.floor(k / perClass);
      expect(train.labels[k]).toBe(label);
      expect(Array.from(train.images.subarray(k * IMAGE_BYTES, k * IMAGE_BYTES + 3))).toEqual(fixtureColour(label, (k % perClass) % 20));
    }
  });

  it('reports the file of a corrupt image found by a worker, and refuses more images afterwards', async () => {
    const collector = new ImageCollector('src');
    onTestFinished(() => collector.close());
    collector.add('train', 'cat', 'ok.png', 'png', encodePng(uniformImage([1, 2, 3])), 'train/cat/ok.png');
    collector.add('train', 'cat', 'bad.png', 'png', new TextEncoder().encode('garbage'), 'train/cat/bad.png');
    await expect(collector.finish()).rejects.toThrow(/train\/cat\/bad\.png is not a readable PNG image/);
    expect(() => collector.add('train', 'cat', 'x.png', 'png', new Uint8Array(1), 'x')).toThrow(/bad\.png/);
  });
});
