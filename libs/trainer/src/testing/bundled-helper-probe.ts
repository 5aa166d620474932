/**
 * Entry point of the bundle that native-helper-bundle.spec.ts builds with tools/bundle-app.mjs (as the grader is
 * built): starts the wasm backend on 2 threads, has the native kernels' helper thread run chunks of a job, and prints
 * `{ helperChunks, failures }` as JSON. From a bundle the helper's script must be found beside it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backend/select-backend';
import { nativeKernelFailures, nativeTeamStats, setNativeHelpersFirst } from '../kernels/native/native-kernels';

await selectBackend({ backend: 'wasm', threads: 2, log: () => undefined });
const x = tf.randomUniform([8, 8, 8, 4]);
setNativeHelpersFirst(true);
// the helper starts asynchronously (and reports a failure to start the same way): until it has run chunks or failed
for (let i = 0; i < 100 && nativeTeamStats.helperChunks === 0 && nativeKernelFailures().length === 0; i++) {
  tf.dispose(tf.relu(x));
  await new Promise((r) => setTimeout(r, 50));
}
console.log(JSON.stringify({ helperChunks: nativeTeamStats.helperChunks, failures: nativeKernelFailures() }));
process.exit(0);
