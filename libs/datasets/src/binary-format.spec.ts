import { describe, expect, it } from 'vitest';
import { BINARY_RECORD_BYTES, checkBinaryMeta, decodeBinaryBatches, encodeBinaryBatch } from './binary-format';
import { CIFAR10_CLASS_NAMES, IMAGE_BYTES } from './classes';
import { DatasetError } from './dataset-error';
import { randomImages } from './testing/fixtures';

describe('official binary format', () => {
  it('turns planar R, G, B records into HWC RGB pixels', () => {
    const record = new Uint8Array(BINARY_RECORD_BYTES);
    record[0] = 6;
    record.fill(11, 1, 1 + 1024);
    record.fill(22, 1 + 1024, 1 + 2048);
    record.fill(33, 1 + 2048);
    record[1 + 1023] = 99; // the last pixel's red value
    const { images, labels } = decodeBinaryBatches([{ name: 'b', bytes: record }]);
    expect(Array.from(labels)).toEqual([6]);
    expect(Array.from(images.subarray(0, 6))).toEqual([11, 22, 33, 11, 22, 33]);
    expect(Array.from(images.subarray(IMAGE_BYTES - 3))).toEqual([99, 22, 33]);
  });

  it('round-trips through encodeBinaryBatch and concatenates batches in order', () => {
    const a = randomImages(5, 1);
    const b = randomImages(3, 2);
    const out = decodeBinaryBatches([
      { name: 'a', bytes: encodeBinaryBatch(a.images, a.labels) },
      { name: 'b', bytes: encodeBinaryBatch(b.images, b.labels) },
    ]);
    expect(out.labels).toEqual(Uint8Array.from([...a.labels, ...b.labels]));
    expect(out.images.subarray(0, a.images.length)).toEqual(a.images);
    expect(out.images.subarray(a.images.length)).toEqual(b.images);
  });

  it('rejects a truncated batch, naming the file and the variable', () => {
    const a = randomImages(2, 1);
    const bytes = encodeBinaryBatch(a.images, a.labels).subarray(0, BINARY_RECORD_BYTES + 100);
    const attempt = () => decodeBinaryBatches([{ name: 'data_batch_3.bin', bytes }]);
    expect(attempt).toThrow(DatasetError);
    expect(attempt).toThrow(/data_batch_3\.bin is truncated.*1 whole records and 100 bytes left over[\s\S]*EPOCH_CIFAR10/);
    expect(() => decodeBinaryBatches([{ name: 'empty.bin', bytes: new Uint8Array(0) }])).toThrow(/empty\.bin is truncated/);
  });

  it('rejects labels outside 0..9', () => {
    const record = new Uint8Array(BINARY_RECORD_BYTES);
    record[0] = 10;
    expect(() => decodeBinaryBatches([{ name: 'test_batch.bin', bytes: record }])).toThrow(/test_batch\.bin: record 0 has label 10/);
  });

  it('checks the class names of batches.meta.txt', () => {
    expect(() => checkBinaryMeta(`${CIFAR10_CLASS_NAMES.join('\r\n')}\r\n\r\n`, 'meta')).not.toThrow();
    expect(() => checkBinaryMeta('apple\npear\n', 'x/batches.meta.txt')).toThrow(/x\/batches\.meta\.txt lists the classes "apple, pear"/);
  });
});
