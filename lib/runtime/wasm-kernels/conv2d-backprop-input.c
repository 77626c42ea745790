// The input gradient of a 2-D convolution, for the wasm backend, as one
// product and a scatter ("col2im"):
//
//   cols[p, tap, ci] = sum over co of dy[p, co] * filter[tap, ci, co]
//   dx[n, iy, ix, ci] = sum of cols[p, tap, ci] over the output pixels p and
//                       taps that read input pixel (iy, ix)
//
// wasm's own kernel is a scalar loop, and computing it as a "full"
// convolution on XNNPACK also multiplies the zeros that pad and spread dy:
// 2.2 times the products at LeNet's second convolution, with only 6 output
// channels to vectorise over. The product here runs on batched-matmul.c's
// SIMD tiles, along the filter's taps and channels. No package ships this
// for WebAssembly, hence the hand-written loop.
//
// dy is [n, oh, ow, co], filter [kh, kw, ci, co], dx [n, ih, iw, ci]; all
// float32, channels last, dilation 1 (tfjs's only). scratch holds
// (co + PIXELS) * kh*kw*ci floats: the product is made PIXELS output pixels at
// a time and scattered while still in the cache. Each dx element adds its
// terms in the order of the loops below: the same sums on every machine.
#include <wasm_simd128.h>
#include "kernels.h"

// to[0..count) += from[0..count), four at a time.
static void add(float *to, const float *from, int count) {
  int i = 0;
  for (; i + 4 <= count; i += 4) wasm_v128_store(to + i, wasm_f32x4_add(wasm_v128_load(to + i), wasm_v128_load(from + i)));
  for (; i < count; i++) to[i] += from[i];
}

__attribute__((export_name("conv2d_backprop_input")))
void conv2d_backprop_input(const float *dy, const float *filter, float *dx, float *scratch, int n, int ih, int iw, int ci,
                           int oh, int ow, int co, int kh, int kw, int sh, int sw, int top, int left) {
  int row = kh * kw * ci;
  float *turned = scratch;          // the filter as [co, kh*kw*ci]
  float *cols = scratch + co * row; // [PIXELS, kh*kw*ci]
  for (int t = 0; t < row; t++)
    for (int o = 0; o < co; o++) turned[o * row + t] = filter[t * co + o];
  for (int i = 0; i < n * ih * iw * ci; i++) dx[i] = 0.0f;
  int span = kw * ci; // one filter row's taps: contiguous in cols, and in dx when the row is inside the image
  for (int p0 = 0; p0 < n * oh * ow; p0 += PIXELS) {
    int pixels = n * oh * ow - p0 < PIXELS ? n * oh * ow - p0 : PIXELS;
    matmul(dy + p0 * co, co, 1, turned, cols, pixels, co, row);
    for (int p = 0; p < pixels; p++) {
      int b = (p0 + p) / (oh * ow), r = (p0 + p) / ow % oh, q = (p0 + p) % ow;
      const float *from = cols + p * row;
      int x0 = q * sw - left;
      for (int y = 0; y < kh; y++) {
        int iy = r * sh - top + y;
        if (iy < 0 || iy >= ih) continue;
        float *to = dx + ((b * ih + iy) * iw + x0) * ci;
        const float *taps = from + y * span;
        if (x0 >= 0 && x0 + kw <= iw) {
          add(to, taps, span);
          continue;
        }
        for (int x = 0; x < kw; x++)
          if (x0 + x >= 0 && x0 + x < iw) add(to + x * ci, taps + x * ci, ci);
      }
    }
  }
}
