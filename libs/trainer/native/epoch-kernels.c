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
 * acc + a*b. build.sh makes two builds: plain SIMD128 (a multiply and an add) and one with relaxed SIMD, where it is
 * f32x4.relaxed_madd, which V8 compiles to a fused multiply-add on CPUs that have one (rounded once instead of twice;
 * the same on every call on one machine, so seeded runs still repeat exactly there).
 */
#ifdef EPOCH_RELAXED_SIMD
typedef float f32x4 __attribute__((__vector_size__(16), __aligned__(16)));
#define MADD(acc, a, b) ((v128_t)__builtin_wasm_relaxed_madd_f32x4((f32x4)(a), (f32x4)(b), (f32x4)(acc)))
#else
#define MADD(acc, a, b) wasm_f32x4_add(acc, wasm_f32x4_mul(a, b))
#endif

/*
 * Weight gradient of a 2-D convolution (NHWC, dilation 1) over images [n_begin, n_end), STORED into dw[I][Co],
 * I = KH*KW*Ci (callers split the batch between threads, each into its own dw, and add those up):
 *   dw[(kh*KW+kw)*Ci+ci][co] = sum over n,oh,ow of x[n][oh*sh-pt+kh][ow*sw-pl+kw][ci] * dy[n][oh][ow][co]
 * (taps in the padding count as 0). A matrix product whose contraction axis is (n,oh,ow), taken one output row at a
 * time so that the row's dy and the input rows under it stay in L1 while every block of dw passes over them: blocks
 * of 4 rows x 8 columns of dw stay in registers along the row (splat of 4 x values times 2 vectors of dy per pixel).
 * When Ci is a multiple of 4, the 4 rows of a block are 4 channels of one tap, and only the output pixels whose tap
 * lies inside x are visited. Otherwise a block can span two taps: then x must come padded (pt = pl = 0, every window
 * inside x, as the caller arranges) and each row reads at its own offset.
 */
EXPORT(conv2d_filter_grad)
void conv2d_filter_grad(const f32* x, int H, int W, int Ci, const f32* dy, int OH, int OW, int Co,
                        int KH, int KW, int sh, int sw, int pt, int pl, f32* dw, int n_begin, int n_end) {
  const int I = KH * KW * Ci;
  const int oneTap = Ci % 4 == 0;
  {
    int i = 0;
    for (; i + 4 <= I * Co; i += 4) wasm_v128_store(dw + i, wasm_f32x4_splat(0.f));
    for (; i < I * Co; i++) dw[i] = 0.f;
  }
  for (int n = n_begin; n < n_end; n++) {
    const f32* xn = x + n * H * W * Ci;
    for (int oh = 0; oh < OH; oh++) {
      const f32* g0 = dy + ((n * OH + oh) * OW) * Co;
      for (int i0 = 0; i0 < I; i0 += 4) {
        const int rows = I - i0 < 4 ? I - i0 : 4;
        const int tap = i0 / Ci, kh = tap / KW, kw = tap % KW;
        /* x of the block's row 0 at output pixel ow = px0 + ow * sw * Ci; the other rows at offsets o1..o3 from it */
        const f32* px0;
        int o1, o2, o3, ow0 = 0, ow1 = OW;
        if (oneTap) {
          const int ih = oh * sh + kh - pt;
          if (ih < 0 || ih >= H) continue;
          const int c = kw - pl; /* input column of output pixel 0 */
          if (c < 0) ow0 = (-c + sw - 1) / sw;
          ow1 = W - 1 - c < 0 ? 0 : (W - 1 - c) / sw + 1;
          if (ow1 > OW) ow1 = OW;
          if (ow0 >= ow1) continue;
          px0 = xn + (ih * W + c) * Ci + i0 % Ci;
          o1 = 1; o2 = 2; o3 = 3;
        } else {
          /* a missing row (past I) reuses row 0; its sums are stored before row 0's and so overwritten */
          const int r1 = i0 + (rows > 1 ? 1 : 0), r2 = i0 + (rows > 2 ? 2 : 0), r3 = i0 + (rows > 3 ? 3 : 0);
          const int t1 = r1 / Ci, t2 = r2 / Ci, t3 = r3 / Ci;
          const int at0 = (kh * W + kw) * Ci + i0 % Ci;
          px0 = xn + oh * sh * W * Ci + at0;
          o1 = ((t1 / KW) * W + t1 % KW) * Ci + r1 % Ci - at0;
          o2 = ((t2 / KW) * W + t2 % KW) * Ci + r2 % Ci - at0;
          o3 = ((t3 / KW) * W + t3 % KW) * Ci + r3 % Ci - at0;
        }
        f32* d0 = dw + i0 * Co;
        f32* d1 = d0 + (rows > 1 ? Co : 0);
        f32* d2 = d0 + (rows > 2 ? 2 * Co : 0);
        f32* d3 = d0 + (rows > 3 ? 3 * Co : 0);
        const int step = sw * Ci;
        int co = 0;
        for (; co + 8 <= Co; co += 8) {
          v128_t a00 = wasm_v128_load(d0 + co), a01 = wasm_v128_load(d0 + co + 4);
          v128_t a10 = wasm_v128_load(d1 + co), a11 = wasm_v128_load(d1 + co + 4);
          v128_t a20 = wasm_v128_load(d2 + co), a21 = wasm_v128_load(d2 + co + 4);
          v128_t a30 = wasm_v128_load(d3 + co), a31 = wasm_v128_load(d3 + co + 4);
          const f32* px = px0 + ow0 * step;
          const f32* g = g0 + ow0 * Co + co;
          for (int ow = ow0; ow < ow1; ow++, px += step, g += Co) {
            const v128_t b0 = wasm_v128_load(g), b1 = wasm_v128_load(g + 4);
            v128_t s = wasm_v128_load32_splat(px);
            a00 = MADD(a00, s, b0); a01 = MADD(a01, s, b1);
            s = wasm_v128_load32_splat(px + o1);
            a10 = MADD(a10, s, b0); a11 = MADD(a11, s, b1);
            s = wasm_v128_load32_splat(px + o2);
            a20 = MADD(a20, s, b0); a21 = MADD(a21, s, b1);
            s = wasm_v128_load32_splat(px + o3);
            a30 = MADD(a30, s, b0); a31 = MADD(a31, s, b1);
          }
          wasm_v128_store(d3 + co, a30); wasm_v128_store(d3 + co + 4, a31);
          wasm_v128_store(d2 + co, a20); wasm_v128_store(d2 + co + 4, a21);
          wasm_v128_store(d1 + co, a10); wasm_v128_store(d1 + co + 4, a11);
          wasm_v128_store(d0 + co, a00); wasm_v128_store(d0 + co + 4, a01);
        }
        for (; co + 4 <= Co; co += 4) {
          v128_t a0 = wasm_v128_load(d0 + co), a1 = wasm_v128_load(d1 + co);
          v128_t a2 = wasm_v128_load(d2 + co), a3 = wasm_v128_load(d3 + co);
          const f32* px = px0 + ow0 * step;
          const f32* g = g0 + ow0 * Co + co;
          for (int ow = ow0; ow < ow1; ow++, px += step, g += Co) {
            const v128_t b = wasm_v128_load(g);
            a0 = MADD(a0, wasm_v128_load32_splat(px), b);
            a1 = MADD(a1, wasm_v128_load32_splat(px + o1), b);
            a2 = MADD(a2, wasm_v128_load32_splat(px + o2), b);
            a3 = MADD(a3, wasm_v128_load32_splat(px + o3), b);
          }
          wasm_v128_store(d3 + co, a3); wasm_v128_store(d2 + co, a2);
          wasm_v128_store(d1 + co, a1); wasm_v128_store(d0 + co, a0);
        }
        for (; co < Co; co++) {
          f32 s0 = d0[co], s1 = d1[co], s2 = d2[co], s3 = d3[co];
          const f32* px = px0 + ow0 * step;
          const f32* g = g0 + ow0 * Co + co;
          for (int ow = ow0; ow < ow1; ow++, px += step, g += Co) {
            s0 += px[0] * *g; s1 += px[o1] * *g; s2 += px[o2] * *g; s3 += px[o3] * *g;
          }
          d3[co] = s3; d2[co] = s2; d1[co] = s1; d0[co] = s0;
        }
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

/* Address of input pixel column iw of row xrow, or of `zero` (Ci zeros) when iw lies in the padding. */
static inline const f32* pixel(const f32* xrow, const f32* zero, int iw, int W, int Ci) {
  return iw < 0 || iw >= W ? zero : xrow + iw * Ci;
}

/* The fused epilogue: + bias[co..] (when there is one), then max(., 0) when relu is set (NaN stays NaN). */
static inline v128_t epilogue(v128_t v, const f32* bias, int co, int relu) {
  if (bias) v = wasm_f32x4_add(v, wasm_v128_load(bias + co));
  return relu ? wasm_f32x4_max(v, wasm_f32x4_splat(0.f)) : v;
}

static inline f32 scalar_epilogue(f32 v, const f32* bias, f32 b, int relu) {
  if (bias) v += b;
  return relu && v < 0.f ? 0.f : v;
}

/*
 * For conv2d below: runs the statement(s) given for every step of the contraction of a block of 4 output pixels at
 * output columns c0..c3 (first input column of each), with p0..p3 pointing at each pixel's input for the current tap
 * (or at `zero` in the padding), wp at the filter row (channel co) and ci the step. Where all KW taps of the 4 pixels
 * lie inside the row, each pixel's taps are KW*Ci consecutive floats and are taken as one run.
 */
#define FOR_EACH_TAP(...)                                                       \
  for (int kh = kh0; kh < kh1; kh++) {                                          \
    const f32* xrow = xn + (ih0 + kh) * W * Ci;                                 \
    const int inside = c0 >= 0 && last + KW <= W;                               \
    for (int kw = 0; kw < (inside ? 1 : KW); kw++) {                            \
      const f32* p0 = pixel(xrow, zero, c0 + kw, W, Ci);                        \
      const f32* p1 = pixel(xrow, zero, c1 + kw, W, Ci);                        \
      const f32* p2 = pixel(xrow, zero, c2 + kw, W, Ci);                        \
      const f32* p3 = pixel(xrow, zero, c3 + kw, W, Ci);                        \
      const f32* wp = w + (kh * KW + kw) * tapStride + co;                      \
      const int run = inside ? KW * Ci : Ci;                                    \
      for (int ci = 0; ci < run; ci++, wp += Co) { __VA_ARGS__ }                \
    }                                                                           \
  }

/*
 * 2-D convolution (NHWC, dilation 1), optionally with a bias and a ReLU fused in:
 *   y[n][oh][ow][co] = act(bias[co] + sum over kh,kw,ci of x[n][oh*sh-pt+kh][ow*sw-pl+kw][ci] * w[kh][kw][ci][co])
 * for output rows r = n*OH+oh in [r_begin, r_end); taps in the padding read `zero` (at least Ci zeros). bias may be 0
 * (none). Blocks of 4 output pixels x 8 channels stay in registers over the whole contraction (4 splats of x times 2
 * vectors of w per input channel); every output is written once, by the thread that owns its row.
 */
EXPORT(conv2d)
void conv2d(const f32* x, int H, int W, int Ci, const f32* w, int KH, int KW, int Co, int sh, int sw, int pt, int pl,
            f32* y, int OH, int OW, const f32* zero, const f32* bias, int relu, int r_begin, int r_end) {
  const int tapStride = Ci * Co;
  for (int r = r_begin; r < r_end; r++) {
    const int n = r / OH, oh = r % OH;
    const f32* xn = x + n * H * W * Ci;
    f32* yr = y + r * OW * Co;
    const int ih0 = oh * sh - pt;
    const int kh0 = ih0 < 0 ? -ih0 : 0;
    const int kh1 = H - ih0 < KH ? H - ih0 : KH;
    for (int ow0 = 0; ow0 < OW; ow0 += 4) {
      const int np = OW - ow0 < 4 ? OW - ow0 : 4;
      /* first input column of each of the 4 pixels (a missing pixel repeats the first; it is not stored) */
      const int c0 = ow0 * sw - pl;
      const int c1 = (np > 1 ? ow0 + 1 : ow0) * sw - pl;
      const int c2 = (np > 2 ? ow0 + 2 : ow0) * sw - pl;
      const int c3 = (np > 3 ? ow0 + 3 : ow0) * sw - pl;
      const int last = (ow0 + np - 1) * sw - pl; /* first input column of the last real pixel */
      f32* o = yr + ow0 * Co;
      int co = 0;
      for (; co + 8 <= Co; co += 8) {
        v128_t a00 = wasm_f32x4_splat(0.f), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        FOR_EACH_TAP(
          const v128_t b0 = wasm_v128_load(wp), b1 = wasm_v128_load(wp + 4);
          v128_t s = wasm_v128_load32_splat(p0 + ci);
          a00 = MADD(a00, s, b0); a01 = MADD(a01, s, b1);
          s = wasm_v128_load32_splat(p1 + ci);
          a10 = MADD(a10, s, b0); a11 = MADD(a11, s, b1);
          s = wasm_v128_load32_splat(p2 + ci);
          a20 = MADD(a20, s, b0); a21 = MADD(a21, s, b1);
          s = wasm_v128_load32_splat(p3 + ci);
          a30 = MADD(a30, s, b0); a31 = MADD(a31, s, b1);
        )
        wasm_v128_store(o + co, epilogue(a00, bias, co, relu));
        wasm_v128_store(o + co + 4, epilogue(a01, bias, co + 4, relu));
        if (np > 1) { wasm_v128_store(o + Co + co, epilogue(a10, bias, co, relu)); wasm_v128_store(o + Co + co + 4, epilogue(a11, bias, co + 4, relu)); }
        if (np > 2) { wasm_v128_store(o + 2 * Co + co, epilogue(a20, bias, co, relu)); wasm_v128_store(o + 2 * Co + co + 4, epilogue(a21, bias, co + 4, relu)); }
        if (np > 3) { wasm_v128_store(o + 3 * Co + co, epilogue(a30, bias, co, relu)); wasm_v128_store(o + 3 * Co + co + 4, epilogue(a31, bias, co + 4, relu)); }
      }
      for (; co + 4 <= Co; co += 4) {
        v128_t a0 = wasm_f32x4_splat(0.f), a1 = a0, a2 = a0, a3 = a0;
        FOR_EACH_TAP(
          const v128_t b = wasm_v128_load(wp);
          a0 = MADD(a0, wasm_v128_load32_splat(p0 + ci), b);
          a1 = MADD(a1, wasm_v128_load32_splat(p1 + ci), b);
          a2 = MADD(a2, wasm_v128_load32_splat(p2 + ci), b);
          a3 = MADD(a3, wasm_v128_load32_splat(p3 + ci), b);
        )
        wasm_v128_store(o + co, epilogue(a0, bias, co, relu));
        if (np > 1) wasm_v128_store(o + Co + co, epilogue(a1, bias, co, relu));
        if (np > 2) wasm_v128_store(o + 2 * Co + co, epilogue(a2, bias, co, relu));
        if (np > 3) wasm_v128_store(o + 3 * Co + co, epilogue(a3, bias, co, relu));
      }
      for (; co < Co; co++) {
        f32 s0 = 0.f, s1 = 0.f, s2 = 0.f, s3 = 0.f;
        FOR_EACH_TAP(s0 += p0[ci] * *wp; s1 += p1[ci] * *wp; s2 += p2[ci] * *wp; s3 += p3[ci] * *wp;)
        const f32 b = bias ? bias[co] : 0.f;
        o[co] = scalar_epilogue(s0, bias, b, relu);
        if (np > 1) o[Co + co] = scalar_epilogue(s1, bias, b, relu);
        if (np > 2) o[2 * Co + co] = scalar_epilogue(s2, bias, b, relu);
        if (np > 3) o[3 * Co + co] = scalar_epilogue(s3, bias, b, relu);
      }
    }
  }
}

/* ReLU's gradient, dx = dy where x > 0, else 0 (NaN where x is NaN, as dy * step(x)), for elements [begin, end). */
EXPORT(relu_grad)
void relu_grad(const f32* dy, const f32* x, f32* dx, int begin, int end) {
  int i = begin;
  const v128_t z = wasm_f32x4_splat(0.f);
  for (; i + 4 <= end; i += 4) {
    const v128_t xv = wasm_v128_load(x + i);
    const v128_t g = wasm_v128_and(wasm_v128_load(dy + i), wasm_f32x4_gt(xv, z));
    wasm_v128_store(dx + i, wasm_v128_bitselect(xv, g, wasm_f32x4_ne(xv, xv)));
  }
  for (; i < end; i++) dx[i] = x[i] > 0.f ? dy[i] : (x[i] != x[i] ? x[i] : 0.f);
}

/* y[r][c] = x[r][c] + b[c] for rows [r_begin, r_end) of C columns (a bias added over all leading axes). */
EXPORT(add_bias)
void add_bias(const f32* x, const f32* b, f32* y, int C, int r_begin, int r_end) {
  for (int r = r_begin; r < r_end; r++) {
    const f32* xr = x + r * C;
    f32* yr = y + r * C;
    int c = 0;
    for (; c + 4 <= C; c += 4) wasm_v128_store(yr + c, wasm_f32x4_add(wasm_v128_load(xr + c), wasm_v128_load(b + c)));
    for (; c < C; c++) yr[c] = xr[c] + b[c];
  }
}

/* y = max(x, 0) for elements [begin, end) (NaN stays NaN). */
EXPORT(relu)
void relu(const f32* x, f32* y, int begin, int end) {
  int i = begin;
  const v128_t z = wasm_f32x4_splat(0.f);
  for (; i + 4 <= end; i += 4) wasm_v128_store(y + i, wasm_f32x4_max(wasm_v128_load(x + i), z));
  for (; i < end; i++) y[i] = x[i] < 0.f ? 0.f : x[i];
}

/*
 * MaxPool with 2x2 windows, stride 2 and no padding: y[n][oh][ow][c] = max of x[n][2oh..2oh+1][2ow..2ow+1][c], for
 * output rows r = n*OH+oh in [r_begin, r_end); x is [N][H][W][C] (an odd last row/column is left out). NaN propagates.
 */
EXPORT(max_pool_2x2)
void max_pool_2x2(const f32* x, f32* y, int H, int W, int C, int OH, int OW, int r_begin, int r_end) {
  for (int r = r_begin; r < r_end; r++) {
    const int n = r / OH, oh = r % OH;
    const f32* x0 = x + ((n * H + 2 * oh) * W) * C;
    const f32* x1 = x0 + W * C;
    f32* yr = y + r * OW * C;
    for (int ow = 0; ow < OW; ow++) {
      const int p = 2 * ow * C;
      int c = 0;
      for (; c + 4 <= C; c += 4) {
        const v128_t m0 = wasm_f32x4_max(wasm_v128_load(x0 + p + c), wasm_v128_load(x0 + p + C + c));
        const v128_t m1 = wasm_f32x4_max(wasm_v128_load(x1 + p + c), wasm_v128_load(x1 + p + C + c));
        wasm_v128_store(yr + ow * C + c, wasm_f32x4_max(m0, m1));
      }
      for (; c < C; c++) {
        f32 m = x0[p + c];
        const f32 v1 = x0[p + C + c], v2 = x1[p + c], v3 = x1[p + C + c];
        if (v1 > m || v1 != v1) m = v1;
        if (v2 > m || v2 != v2) m = v2;
        if (v3 > m || v3 != v3) m = v3;
        yr[ow * C + c] = m;
      }
    }
  }
}

/*
 * One Adam step for elements [begin, end), in float32 and in the very order of tfjs's AdamOptimizer (so the result is
 * the same bits as its dozen separate kernels):
 *   m' = m*b1 + g*omb1;  v' = v*b2 + (g*g)*omb2;  w' = ((m'/omab1) / (sqrt(v'/omab2) + eps)) * neglr + w
 * where omb = 1 - beta, omab = 1 - beta^t and neglr = -learning rate.
 */
EXPORT(adam_update)
void adam_update(const f32* w, const f32* m, const f32* v, const f32* g, f32* w_out, f32* m_out, f32* v_out,
                 f32 b1, f32 omb1, f32 b2, f32 omb2, f32 omab1, f32 omab2, f32 eps, f32 neglr, int begin, int end) {
  int i = begin;
  const v128_t B1 = wasm_f32x4_splat(b1), OMB1 = wasm_f32x4_splat(omb1), B2 = wasm_f32x4_splat(b2);
  const v128_t OMB2 = wasm_f32x4_splat(omb2), OMAB1 = wasm_f32x4_splat(omab1), OMAB2 = wasm_f32x4_splat(omab2);
  const v128_t EPS = wasm_f32x4_splat(eps), NEGLR = wasm_f32x4_splat(neglr);
  for (; i + 4 <= end; i += 4) {
    const v128_t gv = wasm_v128_load(g + i);
    const v128_t mn = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(m + i), B1), wasm_f32x4_mul(gv, OMB1));
    const v128_t vn = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(v + i), B2), wasm_f32x4_mul(wasm_f32x4_mul(gv, gv), OMB2));
    const v128_t den = wasm_f32x4_add(wasm_f32x4_sqrt(wasm_f32x4_div(vn, OMAB2)), EPS);
    const v128_t step = wasm_f32x4_mul(wasm_f32x4_div(wasm_f32x4_div(mn, OMAB1), den), NEGLR);
    wasm_v128_store(m_out + i, mn);
    wasm_v128_store(v_out + i, vn);
    wasm_v128_store(w_out + i, wasm_f32x4_add(step, wasm_v128_load(w + i)));
  }
  for (; i < end; i++) {
    const f32 mn = m[i] * b1 + g[i] * omb1;
    const f32 vn = v[i] * b2 + (g[i] * g[i]) * omb2;
    const f32 den = __builtin_sqrtf(vn / omab2) + eps;
    m_out[i] = mn;
    v_out[i] = vn;
    w_out[i] = ((mn / omab1) / den) * neglr + w[i];
  }
}

/*
 * Zero-padded copy of images [n_begin, n_end) of x [N][H][W][C] into xp [N][Hp][Wp][C] at (top, left); rows and
 * columns of x beyond Hp - top / Wp - left are left out.
 */
EXPORT(pad_images)
void pad_images(const f32* x, int H, int W, int C, f32* xp, int Hp, int Wp, int top, int left, int n_begin, int n_end) {
  const int rows = H < Hp - top ? H : Hp - top;
  const int cols = (W < Wp - left ? W : Wp - left) * C;
  const int row = Wp * C;
  for (int n = n_begin; n < n_end; n++) {
    const f32* s = x + n * H * W * C;
    f32* d = xp + n * Hp * row;
    for (int h = 0; h < Hp; h++, d += row) {
      if (h < top || h >= top + rows) {
        __builtin_memset(d, 0, row * sizeof(f32));
        continue;
      }
      __builtin_memset(d, 0, left * C * sizeof(f32));
      __builtin_memcpy(d + left * C, s + (h - top) * W * C, cols * sizeof(f32));
      __builtin_memset(d + left * C + cols, 0, (row - left * C - cols) * sizeof(f32));
    }
  }
}
