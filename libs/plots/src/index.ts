export { PlotInputError } from './errors';
export type { PlotResult } from './types';
export { accuracyPlot, lossPlot, type AccuracyEpoch, type LossEpoch, type HistoryPlotData, type SkippedValue } from './history-plots';
export type { ChartLayout } from './line-chart';
export {
  predictionGrid,
  imageGrid,
  mistakesGrid,
  type PredictionGridInput,
  type PredictionGridData,
  type PredictionTile,
  type ImageGridInput,
  type ImageGridData,
  type MistakesGridInput,
  type MistakesGridData,
  type MistakeTile,
} from './image-grids';
export type { TileGridLayout, Box, ImageSize } from './tile-grid';
export { featureMapsPlot, type FeatureMapsInput, type FeatureMapsData, type FeatureMapStats } from './feature-maps';
export { confusionMatrixPlot, type ConfusionMatrixInput, type ConfusionMatrixData } from './confusion-matrix';
export { svgToPng } from './render';
