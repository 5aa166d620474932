import * as tf from '@tensorflow/tfjs-core';
import { model as functionalModel, type SymbolicTensor } from '@tensorflow/tfjs-layers';
import type { TBuiltModel } from '../model/build-model';

export interface TFeatureMaps {
  layerIndex: number;
  layerName: string;
  /** [height, width, channels] for image-shaped layers, [units] for flat ones. */
  shape: number[];
  /** Row-major values (HWC for image-shaped layers). */
  values: Float32Array;
}

/**
 * The output of spec layer `layerIndex` (0-based, as in the ModelSpec) for one image given as uint8 HWC pixels, e.g.
 * the lesson's feature maps of the three convolution layers.
 */
export async function featureMaps(built: TBuiltModel, image: Uint8Array, layerIndex: number): Promise<TFeatureMaps> {
  const layer = built.outputLayers[layerIndex];
  const layerSpec = built.spec.layers[layerIndex];
  if (!layer || !layerSpec) throw new Error(`layer index ${layerIndex} is outside the model's ${built.outputLayers.length} layers`);
  const shape = built.spec.inputShape;
  const size = shape.reduce((a, b) => a * b, 1);
  if (image.length !== size) throw new Error(`the image has ${image.length} values; the model's input ${shape.join('x')} needs ${size}`);
  // A view sharing the trained layers; it must not be disposed (that would dispose their weights).
  const sub = functionalModel({ inputs: built.model.inputs, outputs: layer.output as SymbolicTensor });
  const out = tf.tidy(() => {
    const x = tf.div(tf.tensor(Float32Array.from(image), [1, ...shape]), 255);
    return sub.predict(x) as tf.Tensor;
  });
  const values = (await out.data()) as Float32Array;
  const outShape = out.shape.slice(1);
  out.dispose();
  return { layerIndex, layerName: layerSpec.name, shape: outShape, values };
}
