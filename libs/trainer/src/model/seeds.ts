/** Derives independent 31-bit seeds from a job seed (splitmix32-style mixing), e.g. one per layer and slot. */
export function deriveSeed(seed: number, ...parts: number[]): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const p of [...parts, parts.length]) {
    h = (h + Math.imul(p + 1, 0x85ebca6b)) >>> 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x21f0aaad) >>> 0;
    h ^= h >>> 15;
    h = Math.imul(h, 0x735a2d97) >>> 0;
    h ^= h >>> 15;
  }
  return h & 0x7fffffff;
}
