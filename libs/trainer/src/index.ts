export {
  selectBackend,
  BackendUnavailableError,
  BACKEND_ORDER,
  type TBackendInfo,
  type TBackendName,
  type TBackendAttempt,
  type TSelectBackendOptions,
} from './backend/select-backend';
export { registerEpochWasmKernels, EPOCH_WASM_KERNELS } from './kernels/register-wasm-kernels';
export { setNativeKernelsEnabled, setRelaxedSimdEnabled, nativeKernelFailures } from './kernels/native/native-kernels';
export { setFusedConvEnabled } from './model/fused-conv';
export { buildModel, disposeModel, type TBuiltModel } from './model/build-model';
export { NonFiniteLossError, TrainingCancelledError, TrainerSpecError } from './model/errors';
export { deriveSeed } from './model/seeds';
export { train, type TTrainOptions, type TTrainData, type TTrainResult, type TEpochStats, type TBatchProgress } from './train/train';
export { type TImageSet, limitImageSet, shuffledIndices } from './train/image-batches';
export { evaluate, type TEvaluation, type TEvaluateOptions, type TPrediction } from './evaluate/evaluate';
export { lossAndAccuracy } from './evaluate/loss-accuracy';
export { featureMaps, type TFeatureMaps } from './evaluate/feature-maps';
export { saveModel, loadModel } from './io/weights-io';
export {
  gradeModel,
  GradingRejection,
  isOutOfMemory,
  type TGradeData,
  type TGradeHooks,
  type TGradePhase,
  type TGradeSettings,
  type TGradedModel,
} from './pipeline/grade-model';
export { renderPlotArtifacts, type TArtifactFile, type TArtifactKind, type TPlotInputs } from './pipeline/plot-artifacts';
export { model3Spec, denseSpec, tinyCnnSpec } from './testing/model-specs';
export { measureThroughput, randomImageSet, median, type TThroughput, type TThroughputOptions } from './bench/throughput';
export { profileTrainingStep, type TStepProfile, type TKernelTime } from './bench/kernel-profile';
export {
  runTorchBench,
  startTorchRounds,
  findTorchPython,
  pythonCandidates,
  TORCH_BENCH_SCRIPT,
  type TTorchResult,
  type TTorchRounds,
} from './bench/torch-compare';
export { syntheticImages } from './testing/synthetic-images';
