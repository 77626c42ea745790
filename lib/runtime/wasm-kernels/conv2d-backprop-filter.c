// The filter gradient of a 2-D convolution, for the wasm backend:
//
//   dw[ky, kx, ci, co] = sum over oy, ox, b of
//       xPadded[b, oy*sh + ky, ox*sw + kx, ci] * dy[b, oy, ox, co]
//
// wasm lacks this kernel; its composition from XNNPACK's Conv2D (see
// conv2d-backprop-filter.ts) spends half its time moving data around the
// Conv2D, and at LeNet's first convolution (6 output channels) fills only
// three quarters of XNNPACK's 8-column tiles. No package ships this loop for
// WebAssembly, hence a hand-written one.
//
// Each dw element is summed exactly as XNNPACK's Conv2D sums it in that
// composition, so that the two give the same bits: starting from +0, one
// product after another (no fused multiply-add), in the order oy, then ox,
// then b, padding's zeros included. What is free is which elements are summed
// side by side: a tile of ROWS filter rows (ky, kx, ci) by 8 output channels,
// in SIMD lanes, over a block of BLOCK terms at a time; the partial sums wait
// in memory between blocks, which changes no bit.
//
// x is [n, ih, iw, ci], dy [n, oh, ow, co], dw [kh, kw, ci, co]: float32,
// channels last, dilation 1 (tfjs's only). scratch holds
// conv2d_backprop_filter_scratch(...) floats.
#include <wasm_simd128.h>
#include "kernels.h"

// Filter rows summed side by side: 8 accumulators, 2 of dy, 1 of x, which
// leave V8 registers to spare on x86-64; 6 rows (12 accumulators) ran 1.3 to
// 1.4 times slower, and so does an unrolled loop.
#define ROWS 4
#define LANES 8    // output channels per tile: two vectors
#define BLOCK 512  // terms per block: their part of dy (16 KB) stays in the cache


__attribute__((export_name("conv2d_backprop_filter_scratch")))
int conv2d_backprop_filter_scratch(int n, int ih, int iw, int ci, int oh, int ow, int co, int kh, int kw, int sh, int sw,
                                   int top, int left) {
  int hp = (oh - 1) * sh + kh, wp = (ow - 1) * sw + kw;
  int groups = (co + LANES - 1) / LANES;
  int padded = needs_padding(ih, iw, hp, wp, top, left) ? n * hp * wp * ci : 0;
  // padded input, dy in blocks of terms (LANES channels per term), partial sums, term offsets
  return padded + BLOCK * LANES * groups + kh * kw * ci * LANES * groups + BLOCK + 4;
}

// acc[r][0..8) += x[term + offset[r]] * panel[term][0..8) for ROWS rows, over
// `count` terms. Term offsets are in bytes, so that no shift is left in the loop.
#define LOAD(i) v128_t a##i = wasm_v128_load(acc + 8 * i), b##i = wasm_v128_load(acc + 8 * i + 4); \
  const char *x##i = (const char *)(x + offset[i]);
#define STEP(i) s = wasm_v128_load32_splat(x##i + bytes); \
  a##i = wasm_f32x4_add(a##i, wasm_f32x4_mul(s, lo)), b##i = wasm_f32x4_add(b##i, wasm_f32x4_mul(s, hi));
#define STORE(i) wasm_v128_store(acc + 8 * i, a##i), wasm_v128_store(acc + 8 * i + 4, b##i);
static void tile(const float *x, const int *term, int count, const float *panel, const int *offset, float *acc) {
  LOAD(0) LOAD(1) LOAD(2) LOAD(3)
#pragma clang loop unroll(disable)
  for (int t = 0; t < count; t++, panel += LANES) {
    int bytes = term[t];
    v128_t lo = wasm_v128_load(panel), hi = wasm_v128_load(panel + 4), s;
    STEP(0) STEP(1) STEP(2) STEP(3)
  }
  STORE(0) STORE(1) STORE(2) STORE(3)
}

// The same for one row.
static void tile_row(const float *x, const int *term, int count, const float *panel, int offset, float *acc) {
  v128_t a = wasm_v128_load(acc), b = wasm_v128_load(acc + 4);
  for (int t = 0; t < count; t++, panel += LANES) {
    v128_t s = wasm_v128_load32_splat((const float *)((const char *)(x + offset) + term[t]));
    a = wasm_f32x4_add(a, wasm_f32x4_mul(s, wasm_v128_load(panel)));
    b = wasm_f32x4_add(b, wasm_f32x4_mul(s, wasm_v128_load(panel + 4)));
  }
  wasm_v128_store(acc, a), wasm_v128_store(acc + 4, b);
}

__attribute__((export_name("conv2d_backprop_filter")))
void conv2d_backprop_filter(const float *x, const float *dy, float *dw, float *scratch, int n, int ih, int iw, int ci,
                            int oh, int ow, int co, int kh, int kw, int sh, int sw, int top, int left) {
  int hp = (oh - 1) * sh + kh, wp = (ow - 1) * sw + kw;
  int groups = (co + LANES - 1) / LANES, rows = kh * kw * ci, terms = n * oh * ow;
  windowed_input in;
  float *next = window_input(x, scratch, n, ih, iw, ci, hp, wp, top, left, &in);
  const float *image = in.image;
  int row_stride = in.row_stride, image_stride = in.image_stride;
  float *panel = next;                        // [groups][BLOCK][LANES]
  float *acc = panel + BLOCK * LANES * groups; // [groups][rows][LANES]
  int *term = (int *)(acc + rows * LANES * groups);
  for (int i = 0; i < rows * LANES * groups; i++) acc[i] = 0.0f;
  int offset[ROWS];
  // Terms in the order oy, ox, b (the next is term b of pixel (r, q)), a block at a time.
  for (int t0 = 0, b = 0, q = 0, r = 0; t0 < terms; t0 += BLOCK) {
    int count = terms - t0 < BLOCK ? terms - t0 : BLOCK;
    for (int t = 0; t < count; t++) {
      term[t] = 4 * (b * image_stride + r * sh * row_stride + q * sw * ci);
      const float *from = dy + ((b * oh + r) * ow + q) * co;
      for (int g = 0, c = 0; g < groups; g++) {
        float *to = panel + (g * BLOCK + t) * LANES;
        for (int j = 0; j < LANES; j++, c++) to[j] = c < co ? from[c] : 0.0f;
      }
      if (++b == n) {
        b = 0;
        if (++q == ow) q = 0, r++;
      }
    }
    for (int g = 0; g < groups; g++) {
      const float *part = panel + g * BLOCK * LANES;
      float *sums = acc + g * rows * LANES;
      int r = 0;
      for (; r + ROWS <= rows; r += ROWS) {
        for (int i = 0; i < ROWS; i++) {
          int ky = (r + i) / (kw * ci), kx = (r + i) / ci % kw, c = (r + i) % ci;
          offset[i] = ky * row_stride + kx * ci + c;
        }
        tile(image, term, count, part, offset, sums + r * LANES);
      }
      for (; r < rows; r++) {
        int ky = r / (kw * ci), kx = r / ci % kw, c = r % ci;
        tile_row(image, term, count, part, ky * row_stride + kx * ci + c, sums + r * LANES);
      }
    }
  }
  for (int r = 0; r < rows; r++)
    for (int c = 0; c < co; c++) dw[r * co + c] = acc[(c / LANES * rows + r) * LANES + c % LANES];
}
