import { describe, expect, it } from 'vitest';
import { expandDirectives, figureUrl } from './lesson-markdown';

describe('lesson markdown', () => {
  it('maps figure files to the course figure route and leaves other URLs alone', () => {
    expect(figureUrl('cifar10-intro', 'figures/simple-cnn.svg')).toBe('/course-figures/cifar10-intro/simple-cnn.svg');
    expect(figureUrl('cifar10-intro', 'figures/../secret.svg')).toBe('figures/../secret.svg');
    expect(figureUrl('cifar10-intro', 'https://example.org/x.png')).toBe('https://example.org/x.png');
  });
  it('replaces known directive lines and keeps unknown ones', () => {
    const md = 'Intro\n::training-grid\n::accuracy-curve{model="dense"}\n::unknown\ntext ::training-grid';
    const out = expandDirectives(md).split('\n');
    expect(out[1]).toMatch(/5×5 grid of training images/);
    expect(out[2]).toMatch(/Training and validation accuracy/);
    expect(out[3]).toBe('::unknown');
    expect(out[4]).toBe('text ::training-grid');
  });
});
