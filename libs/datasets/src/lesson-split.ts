/**
 * The lesson's split of the training images: validation takes indices 9, 19, 29, ... (every 10th image, as
 * `shard(10, 9)` in the lesson), training keeps the other ones in their order.
 */
export function isValidationIndex(index: number): boolean {
  return index % 10 === 9;
}

export function lessonSplitIndices(trainCount: number): { train: Uint32Array; validation: Uint32Array } {
  const validationCount = Math.floor(trainCount / 10);
  const train = new Uint32Array(trainCount - validationCount);
  const validation = new Uint32Array(validationCount);
  let t = 0;
  let v = 0;
  for (let i = 0; i < trainCount; i++) {
    if (isValidationIndex(i)) validation[v++] = i;
    else train[t++] = i;
  }
  return { train, validation };
}
