import { describe, expect, it } from 'vitest';
import { isAppNavigation } from './navigation';

const here = 'http://127.0.0.1:3000/courses/cifar10-intro';
const link = (href: string, extra: Partial<{ target: string | null; download: boolean }> = {}) => ({ href, target: null, download: false, ...extra });

describe('isAppNavigation', () => {
  it('is true for another page of the app', () => {
    expect(isAppNavigation(link('/exercises/cifar10-model3'), here)).toBe(true);
    expect(isAppNavigation(link('http://127.0.0.1:3000/', { target: '_self' }), here)).toBe(true);
  });
  it('is false for the same page, other sites, new tabs, downloads, API and figure files, and bad links', () => {
    expect(isAppNavigation(link('/courses/cifar10-intro#top'), here)).toBe(false);
    expect(isAppNavigation(link('https://example.org/'), here)).toBe(false);
    expect(isAppNavigation(link('/exercises/x', { target: '_blank' }), here)).toBe(false);
    expect(isAppNavigation(link('/api/exercises/x/results.csv', { download: true }), here)).toBe(false);
    expect(isAppNavigation(link('/api/exercises/x/results.csv'), here)).toBe(false);
    expect(isAppNavigation(link('/course-figures/cifar10-intro/simple-cnn.svg'), here)).toBe(false);
    expect(isAppNavigation(link('http://['), here)).toBe(false);
  });
});
