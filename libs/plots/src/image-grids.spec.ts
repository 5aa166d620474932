import { describe, expect, it } from 'vitest';
import { PlotInputError } from './errors';
import { CIFAR10_CLASSES, fakeImages, fakeLabels, fakePredictions } from './fake-data';
import { imageGrid, mistakesGrid, predictionGrid } from './image-grids';
import { decodePng, isGreen, isRed, isWhite } from './png-pixels';

const actual = fakeLabels(40);
const images = fakeImages(actual);
const { predicted, confidence } = fakePredictions(actual);
const classNames = CIFAR10_CLASSES;

describe('predictionGrid', () => {
  const plot = predictionGrid({ images, actual, predicted, classNames });
  const px = decodePng(plot.png);

  it('draws 25 tiles in a 5×5 grid on a white figure 640–900 px wide', () => {
    expect(px.width).toBeGreaterThanOrEqual(640);
    expect(px.width).toBeLessThanOrEqual(900);
    expect(px.height).toBe(plot.data.layout.height);
    expect(plot.data.layout.rows).toBe(5);
    expect(plot.data.layout.tiles).toHaveLength(25);
    expect(isWhite(px.at(1, 1))).toBe(true);
    expect(isWhite(px.at(px.width - 2, px.height - 2))).toBe(true);
  });

  it('captions right predictions in green and wrong ones in red', () => {
    const right = plot.data.tiles.findIndex((t) => t.correct);
    const wrong = plot.data.tiles.findIndex((t) => !t.correct);
    expect(right).toBeGreaterThanOrEqual(0);
    expect(wrong).toBeGreaterThanOrEqual(0);
    const rightBox = plot.data.layout.tiles[right]!.caption;
    const wrongBox = plot.data.layout.tiles[wrong]!.caption;
    expect(px.count(rightBox, isGreen)).toBeGreaterThan(20);
    expect(px.count(rightBox, isRed)).toBe(0);
    expect(px.count(wrongBox, isRed)).toBeGreaterThan(20);
    expect(px.count(wrongBox, isGreen)).toBe(0);
    const t = plot.data.tiles[wrong]!;
    expect(plot.svg).toContain(`P: ${classNames[t.predicted]}`);
    expect(plot.svg).toContain(`(A: ${classNames[t.actual]})`);
  });

  it('draws each image upscaled ×3 with nearest-neighbour pixels', () => {
    for (const i of [0, 13, 24]) {
      const box = plot.data.layout.tiles[i]!.image;
      for (const [sx, sy] of [
        [0, 0],
        [5, 17],
        [31, 31],
      ] as const) {
        const s = ((i * 32 + sy) * 32 + sx) * 3;
        const expected = [images[s], images[s + 1], images[s + 2]];
        for (const [dx, dy] of [
          [0, 0],
          [2, 2],
        ] as const)
          expect(px.at(box.x + sx * 3 + dx, box.y + sy * 3 + dy)).toEqual(expected);
      }
    }
  });

  it('returns the labels behind the grid, JSON-safe', () => {
    expect(plot.data.total).toBe(40);
    expect(plot.data.shown).toBe(25);
    expect(plot.data.tiles.map((t) => t.actual)).toEqual(actual.slice(0, 25));
    expect(plot.data.tiles.map((t) => t.predicted)).toEqual(predicted.slice(0, 25));
    expect(plot.data.correct).toBe(plot.data.tiles.filter((t) => t.actual === t.predicted).length);
    expect(JSON.parse(JSON.stringify(plot.data))).toEqual(plot.data);
  });

  it('draws fewer than 25 images in fewer rows', () => {
    const seven = predictionGrid({ images: images.subarray(0, 7 * 3072), actual: actual.slice(0, 7), predicted: predicted.slice(0, 7), classNames });
    expect(seven.data.layout.rows).toBe(2);
    expect(seven.data.shown).toBe(7);
    expect(decodePng(seven.png).height).toBeLessThan(px.height);
  });

  it('says so when there are no images', () => {
    const none = predictionGrid({ images: new Uint8Array(0), actual: [], predicted: [], classNames });
    expect(none.svg).toContain('No images to show');
    expect(none.data.shown).toBe(0);
    expect(decodePng(none.png).width).toBe(px.width);
  });

  it('keeps long class names inside their column', () => {
    const long = ['an extraordinarily long class name that never ends', 'b'];
    const plot2 = predictionGrid({ images: images.subarray(0, 2 * 3072), actual: [0, 1], predicted: [1, 0], classNames: long });
    expect(plot2.svg).toContain('…');
    const p = decodePng(plot2.png);
    const box = plot2.data.layout.tiles[0]!.caption;
    // Nothing red spills into the gap between the first and second column.
    expect(p.count({ x: box.x + box.width, y: box.y, width: 8, height: box.height }, isRed)).toBe(0);
    expect(p.count(box, isRed)).toBeGreaterThan(20);
  });

  it('refuses inconsistent inputs, naming the argument', () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(PlotInputError);
        return (e as PlotInputError).argument;
      }
      return 'no error';
    };
    expect(err(() => predictionGrid({ images: images.subarray(0, 3000), actual: [1], predicted: [1], classNames }))).toBe('images');
    expect(err(() => predictionGrid({ images: images.subarray(0, 3072 * 2), actual: [1], predicted: [1], classNames }))).toBe('images');
    expect(err(() => predictionGrid({ images: images.subarray(0, 3072), actual: [1], predicted: [1, 2], classNames }))).toBe('predicted');
    expect(err(() => predictionGrid({ images: images.subarray(0, 3072), actual: [10], predicted: [1], classNames }))).toBe('actual[0]');
    expect(err(() => predictionGrid({ images: images.subarray(0, 3072), actual: [1.5], predicted: [1], classNames }))).toBe('actual[0]');
    expect(err(() => predictionGrid({ images: [1, 2] as unknown as Uint8Array, actual: [], predicted: [], classNames }))).toBe('images');
    expect(err(() => predictionGrid({ images, actual, predicted, classNames: [] }))).toBe('classNames');
    expect(() => predictionGrid({ images: images.subarray(0, 3000), actual: [1], predicted: [1], classNames })).toThrow(
      /N×32×32×3 bytes \(a multiple of 3072\), got 3000/,
    );
  });
});

describe('imageGrid', () => {
  it('captions each training image with its class in black', () => {
    const plot = imageGrid({ images, labels: actual, classNames });
    expect(plot.data.tiles.map((t) => t.label)).toEqual(actual.slice(0, 25));
    expect(plot.data.tiles[0]!.labelName).toBe(classNames[actual[0]!]);
    expect(plot.svg).toContain('>Training images</text>');
    const px = decodePng(plot.png);
    const caption = plot.data.layout.tiles[0]!.caption;
    expect(px.count(caption, ([r, g, b]) => r < 80 && g < 80 && b < 80)).toBeGreaterThan(10);
    expect(px.count(caption, (c) => isRed(c) || isGreen(c))).toBe(0);
    expect(JSON.parse(JSON.stringify(plot.data))).toEqual(plot.data);
  });

  it('takes a title and refuses labels that do not match the images', () => {
    expect(imageGrid({ images: images.subarray(0, 3072), labels: [3], classNames, title: 'CIFAR-10 samples' }).svg).toContain('CIFAR-10 samples');
    expect(() => imageGrid({ images: images.subarray(0, 3072), labels: [3, 4], classNames })).toThrow(expect.objectContaining({ argument: 'images' }));
  });
});

describe('mistakesGrid', () => {
  it('shows the wrong predictions, most confident first, with their confidence', () => {
    const plot = mistakesGrid({ images, actual, predicted, confidence, classNames, count: 6 });
    const wrong = actual.map((a, i) => i).filter((i) => actual[i] !== predicted[i]);
    const expected = [...wrong].sort((a, b) => confidence[b]! - confidence[a]!).slice(0, 6);
    expect(plot.data.tiles.map((t) => t.index)).toEqual(expected);
    expect(plot.data.mistakes).toBe(wrong.length);
    expect(plot.data.tiles.every((t) => !t.correct)).toBe(true);
    expect(plot.svg).toContain(`${(confidence[expected[0]!]! * 100).toFixed(1)}% confident`);
    const px = decodePng(plot.png);
    expect(px.count(plot.data.layout.tiles[0]!.caption, isRed)).toBeGreaterThan(20);
    expect(JSON.parse(JSON.stringify(plot.data))).toEqual(plot.data);
  });

  it('leaves out NaN confidences and notes them', () => {
    const c = [...confidence];
    const firstWrong = actual.findIndex((a, i) => a !== predicted[i]);
    c[firstWrong] = Number.NaN;
    const plot = mistakesGrid({ images, actual, predicted, confidence: c, classNames });
    expect(plot.data.skipped).toEqual([{ index: firstWrong, confidence: 'NaN' }]);
    expect(plot.data.tiles.some((t) => t.index === firstWrong)).toBe(false);
  });

  it('says so when there are no mistakes', () => {
    const plot = mistakesGrid({ images: images.subarray(0, 3072 * 3), actual: [1, 2, 3], predicted: [1, 2, 3], confidence: [0.9, 0.8, 0.7], classNames });
    expect(plot.data.shown).toBe(0);
    expect(plot.svg).toContain('No mistakes');
  });

  it('refuses confidences that are not probabilities and bad counts', () => {
    const base = { images: images.subarray(0, 3072), actual: [1], predicted: [2], classNames };
    expect(() => mistakesGrid({ ...base, confidence: [97] })).toThrow(expect.objectContaining({ argument: 'confidence[0]' }));
    expect(() => mistakesGrid({ ...base, confidence: [] })).toThrow(expect.objectContaining({ argument: 'confidence' }));
    expect(() => mistakesGrid({ ...base, confidence: [0.5], count: 0 })).toThrow(expect.objectContaining({ argument: 'count' }));
  });
});
