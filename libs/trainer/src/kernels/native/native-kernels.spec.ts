import { describe, expect, it } from 'vitest';
import { EPOCH_KERNELS_WASM_PLAIN, EPOCH_KERNELS_WASM_SHARED } from './epoch-kernels.wasm';

// That the committed module is what epoch-kernels.c builds to is checked by `libs/trainer/native/build.sh --check`
// (it needs Debian's clang-16 and lld-16, which CI machines do not have).

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

describe('the native kernel module', () => {
  it.each([['plain', EPOCH_KERNELS_WASM_PLAIN], ['shared', EPOCH_KERNELS_WASM_SHARED]])(
    '%s variant imports its memory and has no data segment to write into tfjs-wasm\'s heap', (_, b64) => {
      const bytes = Buffer.from(b64, 'base64');
      expect(bytes.subarray(0, 4).toString('latin1')).toBe('\0asm');
      const ids = sections(bytes);
      expect(ids).toContain(2); // imports (the memory)
      expect(ids).not.toContain(5); // no memory of its own
      expect(ids).not.toContain(11); // no data segments
    });
});
