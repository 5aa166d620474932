import type { TEpochView } from '@epoch/contracts';

/**
 * The result page's plots: which section each stored plot belongs in (curves, per-class, confusion, predictions,
 * mistakes, feature maps, in that order), its title in words, and alt text that says what the picture shows. Pure:
 * the page lays them out and the lightbox pages through them in the same order.
 */

export type TSectionId = 'curves' | 'per-class' | 'confusion' | 'predictions' | 'mistakes' | 'feature-maps' | 'other';

export const SECTIONS: readonly { id: TSectionId; title: string }[] = [
  { id: 'curves', title: 'Accuracy and loss per epoch' },
  { id: 'per-class', title: 'Test accuracy per class' },
  { id: 'confusion', title: 'Confusion matrix' },
  { id: 'predictions', title: 'Predictions on test images' },
  { id: 'mistakes', title: 'Most confident mistakes' },
  { id: 'feature-maps', title: 'Feature maps' },
  { id: 'other', title: 'Other plots' },
];

export interface TArtifactLike {
  name: string;
  kind: string;
  contentType: string;
  url: string;
}

export interface TPlot {
  name: string;
  url: string;
  section: TSectionId;
  title: string;
  alt: string;
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

/** The convolution layer a feature-map plot shows (`feature-maps-02-conv2d_1.png` → `conv2d_1`). */
export function featureMapLayer(name: string): string | null {
  return /^feature-maps-\d+-(.+)\.png$/.exec(name)?.[1] ?? null;
}

function lastValues(history: readonly TEpochView[], train: (e: TEpochView) => number, val: (e: TEpochView) => number | null, unit: (v: number) => string) {
  const last = history[history.length - 1];
  if (!last) return '';
  const v = val(last);
  return ` After the last epoch: ${unit(train(last))} on the training data${v === null ? '' : ` and ${unit(v)} on the validation data`}.`;
}

/**
 * One plot per stored PNG, in page order (sections in SECTIONS order; feature maps by layer order). `perClass` are
 * [class, accuracy] pairs for the confusion matrix's description.
 */
export function resultPlots(artifacts: readonly TArtifactLike[], history: readonly TEpochView[], perClass: readonly [string, number][]): TPlot[] {
  const epochs = history.length;
  const ranked = [...perClass].sort((a, b) => b[1] - a[1]);
  const plots = artifacts
    .filter((a) => a.contentType === 'image/png')
    .map((a): TPlot => {
      const base = { name: a.name, url: a.url };
      switch (a.kind) {
        case 'ACCURACY_PLOT':
          return {
            ...base,
            section: 'curves',
            title: 'Training and validation accuracy (stored plot)',
            alt: `Line chart of accuracy per epoch over ${epochs} epochs: training accuracy as red dots, validation accuracy as a blue line.${lastValues(
              history,
              (e) => e.accuracy,
              (e) => e.valAccuracy,
              pct,
            )}`,
          };
        case 'LOSS_PLOT':
          return {
            ...base,
            section: 'curves',
            title: 'Training and validation loss (stored plot)',
            alt: `Line chart of loss per epoch over ${epochs} epochs: training loss as red dots, validation loss as a blue line.${lastValues(
              history,
              (e) => e.loss,
              (e) => e.valLoss,
              (v) => v.toFixed(3),
            )}`,
          };
        case 'CONFUSION_MATRIX':
          return {
            ...base,
            section: 'confusion',
            title: 'Confusion matrix of the test images',
            alt: `Confusion matrix: one row per actual class and one column per predicted class, darker where more test images fall; the diagonal holds the right answers.${
              ranked.length
                ? ` Best recognised: ${ranked[0]![0]} (${pct(ranked[0]![1])}); least: ${ranked[ranked.length - 1]![0]} (${pct(ranked[ranked.length - 1]![1])}).`
                : ''
            }`,
          };
        case 'PREDICTIONS_GRID':
          return {
            ...base,
            section: 'predictions',
            title: 'Predictions on the first 25 test images',
            alt: 'A 5×5 grid of test images, each titled with the predicted class (P) and the actual class (A), green when the prediction is right and red when it is wrong.',
          };
        case 'MISTAKES_GRID':
          return {
            ...base,
            section: 'mistakes',
            title: 'The most confident mistakes',
            alt: 'Test images the model got wrong with the highest confidence, each titled with the predicted class, the actual class and how confident the model was.',
          };
        case 'FEATURE_MAPS': {
          const layer = featureMapLayer(a.name) ?? a.name.replace(/\.png$/, '');
          return {
            ...base,
            section: 'feature-maps',
            title: `Feature maps of ${layer}`,
            alt: `The feature maps of convolution layer ${layer} for one test image (shown at the top left): one small picture per filter, dark where the filter responds little and yellow where it responds most.`,
          };
        }
        default: {
          const title = a.name.replace(/\.[a-z]+$/, '').replace(/[-_]+/g, ' ');
          return { ...base, section: 'other', title, alt: `Plot: ${title}` };
        }
      }
    });
  const order = (s: TSectionId) => SECTIONS.findIndex((x) => x.id === s);
  // Stable within a section: accuracy before loss, feature maps by their layer number (the names sort that way).
  const within = (p: TPlot) => (p.name.startsWith('accuracy') ? 0 : p.name.startsWith('loss') ? 1 : 2);
  return plots.sort((a, b) => order(a.section) - order(b.section) || within(a) - within(b) || a.name.localeCompare(b.name));
}

/** The trained model's files (tfjs layers format), when the grader stored them: model.json first. */
export function weightFiles(artifacts: readonly TArtifactLike[]): TArtifactLike[] {
  return artifacts
    .filter((a) => a.kind === 'WEIGHTS')
    .sort((a, b) => (a.name === 'model.json' ? -1 : b.name === 'model.json' ? 1 : a.name.localeCompare(b.name)));
}
