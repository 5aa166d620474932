import * as tf from '@tensorflow/tfjs-core';
import { mulberry32 } from '@epoch/contracts';

/** Deterministic pseudo-random floats in [lo, hi) (mulberry32), so failures reproduce. */
export function randomFloats(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const random = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * random();
  return out;
}

/** Runs `f` on a backend and returns its values (all tensors made inside are released). */
export async function onBackend(name: string, f: () => tf.Tensor): Promise<Float32Array> {
  tf.env().set('PROD', true); // no "install tfjs-node" banner when the cpu reference backend starts
  await tf.setBackend(name);
  const t = tf.tidy(f);
  const v = (await t.data()) as Float32Array;
  t.dispose();
  return v;
}

/** Largest absolute difference relative to the largest reference magnitude. */
export function relativeError(got: Float32Array, want: Float32Array): number {
  if (got.length !== want.length) return Number.POSITIVE_INFINITY;
  let err = 0;
  let ref = 0;
  for (let i = 0; i < want.length; i++) {
    err = Math.max(err, Math.abs(got[i] - want[i]));
    ref = Math.max(ref, Math.abs(want[i]));
  }
  return err / Math.max(ref, 1e-12);
}
