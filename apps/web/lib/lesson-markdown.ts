import { ZLessonFigureName, type TLessonFigureName } from '@epoch/contracts';

/**
 * Lesson markdown as written in `exercises/`: figures are referenced as `figures/<file>` and data-driven figures
 * as directive lines (`::training-grid`, `::accuracy-curve{model="dense"}`, ...). The page renders the markdown
 * between directives and a figure (drawn by the API from data) in place of each directive.
 */
export const DATA_FIGURES: Record<TLessonFigureName, string> = {
  'training-grid': 'A 5×5 grid of training images with their labels',
  'accuracy-curve': 'Training and validation accuracy per epoch',
  'prediction-grid': 'Test images with predicted and actual labels',
  'feature-maps': "Feature maps of model3's convolution layers for one test image",
  'max-pooling': '2×2 max pooling on real feature-map values',
};

/**
 * A link or image of a step, as the page serves it: `figures/<file>` is the course's figure, and `/exercises/<slug>`
 * (how steps link to the exercise they introduce) is that exercise of this course (exercise slugs are per course).
 */
export function figureUrl(courseSlug: string, src: string): string {
  const m = /^figures\/([a-z0-9][a-z0-9-]*\.(?:svg|png))$/.exec(src);
  if (m) return `/course-figures/${encodeURIComponent(courseSlug)}/${m[1]}`;
  const e = /^\/exercises\/([a-z0-9][a-z0-9-]*)$/.exec(src);
  return e ? `/courses/${encodeURIComponent(courseSlug)}/exercises/${e[1]}` : src;
}

export type TLessonPart = { kind: 'markdown'; text: string } | { kind: 'figure'; name: TLessonFigureName; model: string | null };

const DIRECTIVE = /^::([a-z-]+)(?:\{([^}\n]*)\})?[ \t]*$/;
const FENCE = /^\s{0,3}(```|~~~)/;

/** `model="dense"` (the only attribute figures take); null when absent. */
function modelOf(attrs: string | undefined): string | null {
  const m = /(?:^|\s)model="([a-z0-9][a-z0-9-]*)"/.exec(attrs ?? '');
  return m ? m[1]! : null;
}

/**
 * Splits a step into markdown and figures: a line that is exactly a known directive (outside code blocks) becomes a
 * figure; anything else, unknown directives included, stays markdown.
 */
export function splitLesson(markdown: string): TLessonPart[] {
  const parts: TLessonPart[] = [];
  let lines: string[] = [];
  let fence: string | null = null;
  const flush = () => {
    const text = lines.join('\n');
    if (text.trim()) parts.push({ kind: 'markdown', text });
    lines = [];
  };
  for (const line of markdown.split('\n')) {
    const f = FENCE.exec(line);
    if (f) fence = fence === null ? f[1]! : fence === f[1] ? null : fence;
    const d = fence === null ? DIRECTIVE.exec(line) : null;
    const name = d ? ZLessonFigureName.safeParse(d[1]) : null;
    if (d && name?.success) {
      flush();
      parts.push({ kind: 'figure', name: name.data, model: modelOf(d[2]) });
    } else {
      lines.push(line);
    }
  }
  flush();
  return parts;
}
