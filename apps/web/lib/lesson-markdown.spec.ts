import { describe, expect, it } from 'vitest';
import { figureUrl, splitLesson } from './lesson-markdown';

describe('lesson markdown', () => {
  it('maps figure files to the course figure route and leaves other URLs alone', () => {
    expect(figureUrl('cifar10-intro', 'figures/simple-cnn.svg')).toBe('/course-figures/cifar10-intro/simple-cnn.svg');
    expect(figureUrl('cifar10-intro', 'figures/../secret.svg')).toBe('figures/../secret.svg');
    expect(figureUrl('cifar10-intro', 'https://example.org/x.png')).toBe('https://example.org/x.png');
  });

  it('splits a step at known directive lines into markdown and figures, with the model attribute', () => {
    const md = 'Intro\n\n::training-grid\n\nMiddle\n::accuracy-curve{model="dense"}\n::feature-maps  \nEnd';
    expect(splitLesson(md)).toEqual([
      { kind: 'markdown', text: 'Intro\n' },
      { kind: 'figure', name: 'training-grid', model: null },
      { kind: 'markdown', text: '\nMiddle' },
      { kind: 'figure', name: 'accuracy-curve', model: 'dense' },
      { kind: 'figure', name: 'feature-maps', model: null },
      { kind: 'markdown', text: 'End' },
    ]);
  });

  it('keeps unknown directives, directives inside text or code blocks, and odd attributes as they are', () => {
    const md = '::unknown\ntext ::training-grid\n```python\n::training-grid\n```\n::prediction-grid{model="../x"}';
    expect(splitLesson(md)).toEqual([
      { kind: 'markdown', text: '::unknown\ntext ::training-grid\n```python\n::training-grid\n```' },
      { kind: 'figure', name: 'prediction-grid', model: null },
    ]);
  });

  it('finds every directive of the demo course where its steps put them', async () => {
    const { readFileSync, readdirSync } = await import('node:fs');
    const dir = new URL('../../../exercises/cifar10-intro/steps/', import.meta.url);
    const found = readdirSync(dir)
      .sort()
      .flatMap((f) =>
        splitLesson(readFileSync(new URL(f, dir), 'utf8')).flatMap((p) => (p.kind === 'figure' ? [`${f.slice(0, 2)} ${p.name} ${p.model ?? '-'}`] : [])),
      );
    expect(found).toEqual([
      '03 training-grid -',
      '05 accuracy-curve dense',
      '06 prediction-grid -',
      '10 accuracy-curve model2',
      '11 max-pooling -',
      '13 accuracy-curve model3',
      '13 prediction-grid model3',
      '14 feature-maps -',
    ]);
  });
});

describe('links in a step', () => {
  it("point an exercise link at that exercise of the step's own course, and leave other links alone", () => {
    expect(figureUrl('spring', '/exercises/model3')).toBe('/courses/spring/exercises/model3');
    expect(figureUrl('spring', 'figures/a.svg')).toBe('/course-figures/spring/a.svg');
    expect(figureUrl('spring', 'https://example.org/x')).toBe('https://example.org/x');
    expect(figureUrl('spring', '/exercises/model3/results')).toBe('/exercises/model3/results');
  });
});
