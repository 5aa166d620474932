/**
 * Training work of the lesson's model3 over its whole exercise, in multiply-accumulates: 4,536,000 per image forward,
 * about three times that to train it, on 45,000 images for 30 epochs (1.84e13).
 */
export const MODEL3_TRAINING_MACS = 4_536_000 * 3 * 45_000 * 30;

/** Hard limits that hold for every check, with or without an exercise. */
export const DEFAULT_MODEL_LIMITS = {
  maxEpochs: 200,
  maxParams: 20_000_000,
  maxLayers: 100,
  maxSourceBytes: 64 * 1024,
  /** Training work (forward MACs per image × 3 × training images × epochs): 3.6e14, about 19.6× model3's exercise. */
  maxTrainingMacs: 3.6e14,
  /** Activations of one training batch (every layer's output, float32, kept for the backward pass): 1 GiB. */
  maxActivationMiB: 1024,
  /** Weights, their gradients and the optimizer's state (float32): 1 GiB. */
  maxParamMiB: 1024,
} as const;

/** The training images per epoch a cost is computed for when no exercise says otherwise (CIFAR-10's training split). */
export const DEFAULT_TRAIN_IMAGES = 45_000;
