/*
 * Epoch's native training kernels for the tfjs wasm backend: WebAssembly SIMD128, compiled by build.sh with Debian's
 * clang/lld into src/kernels/native/epoch-kernels.wasm.ts (committed, so installs need no compiler).
 *
 * The module imports tfjs-wasm's own memory and works directly on its tensors: every pointer is a byte offset into
 * that heap. So it must never write memory of its own: no data segments, no shadow stack (build.sh checks both),
 * which means no arrays or address-taken locals here, only scalars and SIMD values in wasm locals.
 */
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

typedef float f32;

/*
 * Weight gradient of a 2-D convolution (NHWC, dilation 1), ADDED into dw[I][Co], I = KH*KW*Ci, for images
 * [n_begin, n_end) (callers split the batch between threads, each into its own dw, and add those up):
 *   dw[(kh*KW+kw)*Ci+ci][co] += sum over n,oh,ow of xp[n][oh*sh+kh][ow*sw+kw][ci] * dy[n][oh][ow][co]
 * where xp is x already padded (Hp x Wp) so that every window lies inside it. It is a matrix product whose
 * contraction axis is (n,oh,ow); blocks of 4 rows x 8 columns of dw stay in registers while one image's pixels
 * stream past (splat of 4 x values times 2 vectors of dy per pixel).
 */
EXPORT(conv2d_filter_grad)
void conv2d_filter_grad(const f32* xp, int Hp, int Wp, int Ci, const f32* dy, int OH, int OW, int Co,
                        int KH, int KW, int sh, int sw, f32* dw, int n_begin, int n_end) {
  const int img = Hp * Wp * Ci;
  const int rowStep = sh * Wp * Ci;
  const int colStep = sw * Ci;
  const int dyImg = OH * OW * Co;
  const int i_begin = 0, i_end = KH * KW * Ci;
  for (int n = n_begin; n < n_end; n++) {
    const f32* xn = xp + n * img;
    const f32* dyn = dy + n * dyImg;
    for (int i0 = i_begin; i0 < i_end; i0 += 4) {
      const int rows = i_end - i0 < 4 ? i_end - i0 : 4;
      /* x offset of each of the 4 rows (a missing row reuses the first; its sums are not stored) */
      int o[4];
      for (int r = 0; r < 4; r++) {
        const int i = i0 + (r < rows ? r : 0);
        const int tap = i / Ci;
        o[r] = ((tap / KW) * Wp + tap % KW) * Ci + i % Ci;
      }
      const int o0 = o[0], o1 = o[1], o2 = o[2], o3 = o[3];
      f32* d0 = dw + i0 * Co;
      f32* d1 = d0 + (rows > 1 ? Co : 0);
      f32* d2 = d0 + (rows > 2 ? 2 * Co : 0);
      f32* d3 = d0 + (rows > 3 ? 3 * Co : 0);
      int co = 0;
      for (; co + 8 <= Co; co += 8) {
        v128_t a00 = wasm_v128_load(d0 + co), a01 = wasm_v128_load(d0 + co + 4);
        v128_t a10 = wasm_v128_load(d1 + co), a11 = wasm_v128_load(d1 + co + 4);
        v128_t a20 = wasm_v128_load(d2 + co), a21 = wasm_v128_load(d2 + co + 4);
        v128_t a30 = wasm_v128_load(d3 + co), a31 = wasm_v128_load(d3 + co + 4);
        for (int oh = 0; oh < OH; oh++) {
          const f32* px = xn + oh * rowStep;
          const f32* g = dyn + (oh * OW) * Co + co;
          for (int ow = 0; ow < OW; ow++, px += colStep, g += Co) {
            const v128_t b0 = wasm_v128_load(g), b1 = wasm_v128_load(g + 4);
            v128_t s = wasm_v128_load32_splat(px + o0);
            a00 = wasm_f32x4_add(a00, wasm_f32x4_mul(s, b0));
            a01 = wasm_f32x4_add(a01, wasm_f32x4_mul(s, b1));
            s = wasm_v128_load32_splat(px + o1);
            a10 = wasm_f32x4_add(a10, wasm_f32x4_mul(s, b0));
            a11 = wasm_f32x4_add(a11, wasm_f32x4_mul(s, b1));
            s = wasm_v128_load32_splat(px + o2);
            a20 = wasm_f32x4_add(a20, wasm_f32x4_mul(s, b0));
            a21 = wasm_f32x4_add(a21, wasm_f32x4_mul(s, b1));
            s = wasm_v128_load32_splat(px + o3);
            a30 = wasm_f32x4_add(a30, wasm_f32x4_mul(s, b0));
            a31 = wasm_f32x4_add(a31, wasm_f32x4_mul(s, b1));
          }
        }
        /* rows that are missing store into row 0 first, and row 0 is stored last */
        wasm_v128_store(d3 + co, a30); wasm_v128_store(d3 + co + 4, a31);
        wasm_v128_store(d2 + co, a20); wasm_v128_store(d2 + co + 4, a21);
        wasm_v128_store(d1 + co, a10); wasm_v128_store(d1 + co + 4, a11);
        wasm_v128_store(d0 + co, a00); wasm_v128_store(d0 + co + 4, a01);
      }
      for (; co + 4 <= Co; co += 4) {
        v128_t a0 = wasm_v128_load(d0 + co), a1 = wasm_v128_load(d1 + co);
        v128_t a2 = wasm_v128_load(d2 + co), a3 = wasm_v128_load(d3 + co);
        for (int oh = 0; oh < OH; oh++) {
          const f32* px = xn + oh * rowStep;
          const f32* g = dyn + (oh * OW) * Co + co;
          for (int ow = 0; ow < OW; ow++, px += colStep, g += Co) {
            const v128_t b = wasm_v128_load(g);
            a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wasm_v128_load32_splat(px + o0), b));
            a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(wasm_v128_load32_splat(px + o1), b));
            a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(wasm_v128_load32_splat(px + o2), b));
            a3 = wasm_f32x4_add(a3, wasm_f32x4_mul(wasm_v128_load32_splat(px + o3), b));
          }
        }
        wasm_v128_store(d3 + co, a3); wasm_v128_store(d2 + co, a2);
        wasm_v128_store(d1 + co, a1); wasm_v128_store(d0 + co, a0);
      }
      for (; co < Co; co++) {
        f32 s0 = d0[co], s1 = d1[co], s2 = d2[co], s3 = d3[co];
        for (int oh = 0; oh < OH; oh++) {
          const f32* px = xn + oh * rowStep;
          const f32* g = dyn + (oh * OW) * Co + co;
          for (int ow = 0; ow < OW; ow++, px += colStep, g += Co) {
            s0 += px[o0] * *g; s1 += px[o1] * *g; s2 += px[o2] * *g; s3 += px[o3] * *g;
          }
        }
        d3[co] = s3; d2[co] = s2; d1[co] = s1; d0[co] = s0;
      }
    }
  }
}

/*
 * out[c] = sum over r of x[r][c] for columns [c_begin, c_end) (a bias gradient: the sum over all leading axes).
 * Blocks of 256 rows are summed first, then added to the total, which keeps float32 rounding error small.
 */
EXPORT(sum_rows)
void sum_rows(const f32* x, int rows, int C, f32* out, int c_begin, int c_end) {
  int c = c_begin;
  for (; c + 16 <= c_end; c += 16) {
    v128_t t0 = wasm_f32x4_splat(0.f), t1 = t0, t2 = t0, t3 = t0;
    for (int r0 = 0; r0 < rows; r0 += 256) {
      const int r1 = rows - r0 < 256 ? rows : r0 + 256;
      v128_t s0 = wasm_f32x4_splat(0.f), s1 = s0, s2 = s0, s3 = s0;
      for (const f32* p = x + r0 * C + c; p < x + r1 * C + c; p += C) {
        s0 = wasm_f32x4_add(s0, wasm_v128_load(p));
        s1 = wasm_f32x4_add(s1, wasm_v128_load(p + 4));
        s2 = wasm_f32x4_add(s2, wasm_v128_load(p + 8));
        s3 = wasm_f32x4_add(s3, wasm_v128_load(p + 12));
      }
      t0 = wasm_f32x4_add(t0, s0); t1 = wasm_f32x4_add(t1, s1);
      t2 = wasm_f32x4_add(t2, s2); t3 = wasm_f32x4_add(t3, s3);
    }
    wasm_v128_store(out + c, t0); wasm_v128_store(out + c + 4, t1);
    wasm_v128_store(out + c + 8, t2); wasm_v128_store(out + c + 12, t3);
  }
  for (; c + 4 <= c_end; c += 4) {
    v128_t t = wasm_f32x4_splat(0.f);
    for (int r0 = 0; r0 < rows; r0 += 256) {
      const int r1 = rows - r0 < 256 ? rows : r0 + 256;
      v128_t s = wasm_f32x4_splat(0.f);
      for (const f32* p = x + r0 * C + c; p < x + r1 * C + c; p += C) s = wasm_f32x4_add(s, wasm_v128_load(p));
      t = wasm_f32x4_add(t, s);
    }
    wasm_v128_store(out + c, t);
  }
  for (; c < c_end; c++) {
    f32 t = 0.f;
    for (int r0 = 0; r0 < rows; r0 += 256) {
      const int r1 = rows - r0 < 256 ? rows : r0 + 256;
      f32 s = 0.f;
      for (int r = r0; r < r1; r++) s += x[r * C + c];
      t += s;
    }
    out[c] = t;
  }
}

/*
 * MaxPoolGrad for 2x2 windows with stride 2 and no padding, x [N][2*OH][2*OW][C]: each window's gradient goes to its
 * FIRST maximal element in row-major window order (as the cpu backend does), 0 to the other three.
 * Rows [r_begin, r_end) of the N*OH output rows.
 */
EXPORT(max_pool_grad_2x2)
void max_pool_grad_2x2(const f32* x, const f32* dy, f32* dx, int OW, int C, int r_begin, int r_end) {
  const int row = 2 * OW * C;
  for (int r = r_begin; r < r_end; r++) {
    const f32* x0 = x + 2 * r * row;
    const f32* x1 = x0 + row;
    f32* y0 = dx + 2 * r * row;
    f32* y1 = y0 + row;
    const f32* g = dy + r * OW * C;
    for (int ow = 0; ow < OW; ow++) {
      const int p = 2 * ow * C;
      int c = 0;
      for (; c + 4 <= C; c += 4, g += 4) {
        const v128_t v0 = wasm_v128_load(x0 + p + c), v1 = wasm_v128_load(x0 + p + C + c);
        const v128_t v2 = wasm_v128_load(x1 + p + c), v3 = wasm_v128_load(x1 + p + C + c);
        const v128_t gv = wasm_v128_load(g);
        const v128_t c1 = wasm_f32x4_gt(v1, v0);
        const v128_t m1 = wasm_v128_bitselect(v1, v0, c1);
        const v128_t c2 = wasm_f32x4_gt(v2, m1);
        const v128_t m2 = wasm_v128_bitselect(v2, m1, c2);
        const v128_t c3 = wasm_f32x4_gt(v3, m2);
        const v128_t later3 = c3, later2 = wasm_v128_or(c2, c3), later1 = wasm_v128_or(c1, later2);
        wasm_v128_store(y0 + p + c, wasm_v128_andnot(gv, later1));
        wasm_v128_store(y0 + p + C + c, wasm_v128_andnot(wasm_v128_and(gv, c1), later2));
        wasm_v128_store(y1 + p + c, wasm_v128_andnot(wasm_v128_and(gv, c2), later3));
        wasm_v128_store(y1 + p + C + c, wasm_v128_and(gv, c3));
      }
      for (; c < C; c++, g++) {
        const f32 v0 = x0[p + c], v1 = x0[p + C + c], v2 = x1[p + c], v3 = x1[p + C + c];
        f32 m = v0;
        int k = 0;
        if (v1 > m) { m = v1; k = 1; }
        if (v2 > m) { m = v2; k = 2; }
        if (v3 > m) k = 3;
        y0[p + c] = k == 0 ? *g : 0.f;
        y0[p + C + c] = k == 1 ? *g : 0.f;
        y1[p + c] = k == 2 ? *g : 0.f;
        y1[p + C + c] = k == 3 ? *g : 0.f;
      }
    }
  }
}
