/**
 * Lesson markdown as written in `exercises/`: figures are referenced as `figures/<file>` and data-driven figures
 * as directive lines (`::training-grid`, ...). This turns both into something the page can render.
 */
export const DATA_FIGURES: Record<string, string> = {
  'training-grid': 'A 5×5 grid of training images with their labels',
  'accuracy-curve': 'Training and validation accuracy per epoch',
  'prediction-grid': 'Test images with predicted and actual labels',
  'feature-maps': "Feature maps of model3's convolution layers for one test image",
};

export function figureUrl(courseSlug: string, src: string): string {
  const m = /^figures\/([a-z0-9][a-z0-9-]*\.(?:svg|png))$/.exec(src);
  return m ? `/course-figures/${encodeURIComponent(courseSlug)}/${m[1]}` : src;
}

/** Replaces each directive line with a marked blockquote naming the figure the lesson shows there. */
export function expandDirectives(markdown: string): string {
  return markdown.replace(/^::([a-z-]+)(\{[^}\n]*\})?[ \t]*$/gm, (line, name: string) => {
    const what = DATA_FIGURES[name];
    return what ? `> **Figure from the data:** ${what}. It appears here once the course's dataset is prepared.` : line;
  });
}
