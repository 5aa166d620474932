import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  EPOCH_KERNELS_BUILD_SH_SHA256,
  EPOCH_KERNELS_C_SHA256,
  EPOCH_KERNELS_WASM_PLAIN,
  EPOCH_KERNELS_WASM_PLAIN_RELAXED,
  EPOCH_KERNELS_WASM_SHARED,
  EPOCH_KERNELS_WASM_SHARED_RELAXED,
} from './epoch-kernels.wasm';
import { nativeModuleBytes, relaxedSimdSupported, setRelaxedSimdEnabled } from './native-kernels';
import { randomFloats } from '../../testing/compare-backends';

const sha256 = (file: URL) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('the committed module', () => {
  // Without a compiler (CI has none) these catch an edit of the C source or of the build script that was committed
  // without rebuilding; `libs/trainer/native/build.sh --check` (Debian's clang-16 and lld-16) also compares the bytes.
  it('was built from the current epoch-kernels.c', () => {
    const hash = sha256(new URL('../../../native/epoch-kernels.c', import.meta.url));
    expect(hash, 'epoch-kernels.c changed since the module was built: run libs/trainer/native/build.sh').toBe(EPOCH_KERNELS_C_SHA256);
  });

  it('was built by the current build.sh (its compiler and linker flags)', () => {
    const hash = sha256(new URL('../../../native/build.sh', import.meta.url));
    expect(hash, 'build.sh changed since the module was built: run libs/trainer/native/build.sh').toBe(EPOCH_KERNELS_BUILD_SH_SHA256);
  });
});

/** Section ids of a WebAssembly binary, in order. */
function sections(bytes: Uint8Array): number[] {
  const ids: number[] = [];
  let p = 8;
  while (p < bytes.length) {
    const id = bytes[p++] as number;
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[p++] as number;
      size |= (b & 0x7f) << shift;
      if (!(b & 0x80)) break;
    }
    ids.push(id);
    p += size;
  }
  return ids;
}

type TFn = (...args: number[]) => void;
interface TWasm {
  Memory: new (d: { initial: number }) => { buffer: ArrayBuffer };
  Module: new (b: Uint8Array) => object;
  Instance: new (m: object, i: object) => { exports: Record<string, TFn> };
}
const wasm = (globalThis as unknown as { WebAssembly: TWasm }).WebAssembly;

/** A plain-memory variant instantiated on a fresh memory, with a bump allocator of float arrays in it. */
function load(bytes: Uint8Array) {
  const memory = new wasm.Memory({ initial: 64 });
  const e = new wasm.Instance(new wasm.Module(bytes), { env: { memory } }).exports;
  const f = new Float32Array(memory.buffer);
  let next = 1024;
  const put = (data: ArrayLike<number>) => {
    const at = next;
    f.set(data, at / 4);
    next += 4 * data.length + 64;
    return at;
  };
  const get = (at: number, n: number) => f.slice(at / 4, at / 4 + n);
  return { e, put, get };
}

describe('the native kernel module', () => {
  afterEach(() => {
    setRelaxedSimdEnabled(true);
  });

  it.each([
    ['plain', EPOCH_KERNELS_WASM_PLAIN],
    ['shared', EPOCH_KERNELS_WASM_SHARED],
    ['plain, relaxed SIMD', EPOCH_KERNELS_WASM_PLAIN_RELAXED],
    ['shared, relaxed SIMD', EPOCH_KERNELS_WASM_SHARED_RELAXED],
  ])("%s variant imports its memory and has no data segment to write into tfjs-wasm's heap", (_, b64) => {
    const bytes = Buffer.from(b64, 'base64');
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('\0asm');
    const ids = sections(bytes);
    expect(ids).toContain(2); // imports (the memory)
    expect(ids).not.toContain(5); // no memory of its own
    expect(ids).not.toContain(11); // no data segments
  });

  it('runs the relaxed-SIMD build on this Node (flag turned on where needed), unless told not to', () => {
    expect(relaxedSimdSupported()).toBe(true);
    expect(nativeModuleBytes(false)).toEqual(Buffer.from(EPOCH_KERNELS_WASM_PLAIN_RELAXED, 'base64'));
    expect(nativeModuleBytes(true)).toEqual(Buffer.from(EPOCH_KERNELS_WASM_SHARED_RELAXED, 'base64'));
    expect(setRelaxedSimdEnabled(false)).toBe(true);
    expect(nativeModuleBytes(false)).toEqual(Buffer.from(EPOCH_KERNELS_WASM_PLAIN, 'base64'));
  });

  // Both builds against a plain JS reference, on shapes that exercise every block and tail of the kernel: 8- and
  // 4-channel blocks and single channels, 1-3 leftover pixels in a row, stride 2 and asymmetric padding.
  it.each([
    ['simd', 2, 7, 6, 5, 13, 3, 3, 1, 1, 1, 1],
    ['relaxed-simd', 2, 7, 6, 5, 13, 3, 3, 1, 1, 1, 1],
    ['simd', 1, 9, 10, 3, 6, 5, 3, 2, 2, 2, 0],
    ['relaxed-simd', 1, 9, 10, 3, 6, 5, 3, 2, 2, 2, 0],
  ] as const)(
    '%s conv2d with bias and ReLU matches the JS reference (n%i h%i w%i ci%i co%i k%ix%i s%ix%i pad %i,%i)',
    (variant, N, H, W, Ci, Co, KH, KW, sh, sw, pt, pl) => {
      const OH = Math.floor((H + 2 * pt - KH) / sh) + 1;
      const OW = Math.floor((W + 2 * pl - KW) / sw) + 1;
      const x = randomFloats(N * H * W * Ci, 1);
      const w = randomFloats(KH * KW * Ci * Co, 2);
      const b = randomFloats(Co, 3);
      const { e, put, get } = load(nativeModuleBytes(false, variant));
      const [px, pw, pb] = [put(x), put(w), put(b)];
      const py = put(new Float32Array(N * OH * OW * Co).fill(NaN));
      const zero = put(new Float32Array(Ci));
      e['conv2d']?.(px, H, W, Ci, pw, KH, KW, Co, sh, sw, pt, pl, py, OH, OW, zero, pb, 1, 0, N * OH);
      const got = get(py, N * OH * OW * Co);
      let worst = 0;
      for (let n = 0; n < N; n++)
        for (let oh = 0; oh < OH; oh++)
          for (let ow = 0; ow < OW; ow++)
            for (let co = 0; co < Co; co++) {
              let s = b[co] as number;
              for (let kh = 0; kh < KH; kh++)
                for (let kw = 0; kw < KW; kw++) {
                  const ih = oh * sh - pt + kh;
                  const iw = ow * sw - pl + kw;
                  if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                  for (let ci = 0; ci < Ci; ci++) s += (x[((n * H + ih) * W + iw) * Ci + ci] as number) * (w[((kh * KW + kw) * Ci + ci) * Co + co] as number);
                }
              worst = Math.max(worst, Math.abs((got[((n * OH + oh) * OW + ow) * Co + co] as number) - Math.max(s, 0)));
            }
      expect(worst).toBeLessThan(1e-5);
    },
  );
});
