// A 2-D convolution for the wasm backend, for filters whose output channels
// fill XNNPACK's 8-column tiles poorly (LeNet's first: 6 of 8 columns, 0.43
// against 0.32 ms here, under load):
//
//   y[b, oy, ox, co] = sum over ky, kx, ci of
//       xPadded[b, oy*sh + ky, ox*sw + kx, ci] * w[ky, kx, ci, co]
//
// Each y element is summed exactly as XNNPACK's Conv2D sums it, so that the
// two give the same bits: from +0, one product after another (no fused
// multiply-add), in the order ky, kx, ci, padding's zeros included. The tiles
// are 4 output pixels by 8 output channels, in SIMD lanes; those are stored
// straight into y, only the channels that exist.
//
// x is [n, ih, iw, ci], w [kh, kw, ci, co], y [n, oh, ow, co]: float32,
// channels last, dilation 1. scratch holds conv2d_scratch(...) floats.
#include <wasm_simd128.h>
#include "kernels.h"

// Output pixels a tile: 8 accumulators, 2 of the filter, 1 of x, which leave
// V8 registers to spare on x86-64; 6 pixels (12 accumulators) ran 1.3 to 1.4
// times slower, and so does an unrolled loop.
#define TILE 4
#define LANES 8 // output channels a tile


__attribute__((export_name("conv2d_scratch")))
int conv2d_scratch(int n, int ih, int iw, int ci, int oh, int ow, int co, int kh, int kw, int sh, int sw, int top, int left) {
  int hp = (oh - 1) * sh + kh, wp = (ow - 1) * sw + kw;
  int groups = (co + LANES - 1) / LANES, rows = kh * kw * ci;
  int padded = needs_padding(ih, iw, hp, wp, top, left) ? n * hp * wp * ci : 0;
  // padded input, the filter in panels of LANES channels, the taps' offsets
  return padded + rows * LANES * groups + rows + 4;
}

// The first `count` (0 to 4) lanes of v, to `to`.
static void store_lanes(float *to, v128_t v, int count) {
  if (count == 4) wasm_v128_store(to, v);
  else if (count == 3) wasm_v128_store64_lane(to, v, 0), wasm_v128_store32_lane(to + 2, v, 2);
  else if (count == 2) wasm_v128_store64_lane(to, v, 0);
  else if (count == 1) wasm_v128_store32_lane(to, v, 0);
}

#define SPLAT(i) s = wasm_v128_load32_splat(x##i + offset[r]); \
  a##i = wasm_f32x4_add(a##i, wasm_f32x4_mul(s, lo)), b##i = wasm_f32x4_add(b##i, wasm_f32x4_mul(s, hi));
#define PUT(i) if (i < count) store_lanes(y + i * co, a##i, low), store_lanes(y + i * co + 4, b##i, high);

// y[i][0..width) = sum over r of x_i[offset[r]] * panel[r][0..width), for `count` of 4 pixels i.
static void tile(const float *x0, const float *x1, const float *x2, const float *x3,
                 const int *offset, int rows, const float *panel, float *y, int co, int count, int width) {
  v128_t z = wasm_f32x4_splat(0.0f);
  v128_t a0 = z, b0 = z, a1 = z, b1 = z, a2 = z, b2 = z, a3 = z, b3 = z, s;
#pragma clang loop unroll(disable)
  for (int r = 0; r < rows; r++, panel += LANES) {
    v128_t lo = wasm_v128_load(panel), hi = wasm_v128_load(panel + 4);
    SPLAT(0) SPLAT(1) SPLAT(2) SPLAT(3)
  }
  int low = width < 4 ? width : 4, high = width - low;
  PUT(0) PUT(1) PUT(2) PUT(3)
}

__attribute__((export_name("conv2d")))
void conv2d(const float *x, const float *w, float *y, float *scratch, int n, int ih, int iw, int ci, int oh, int ow, int co,
            int kh, int kw, int sh, int sw, int top, int left) {
  int hp = (oh - 1) * sh + kh, wp = (ow - 1) * sw + kw;
  int groups = (co + LANES - 1) / LANES, rows = kh * kw * ci, pixels = n * oh * ow;
  windowed_input in;
  float *next = window_input(x, scratch, n, ih, iw, ci, hp, wp, top, left, &in);
  const float *image = in.image;
  int row_stride = in.row_stride, image_stride = in.image_stride;
  float *panel = next; // [groups][rows][LANES]: the filter, its channels padded with zeros
  int *offset = (int *)(panel + rows * LANES * groups);
  for (int g = 0; g < groups; g++)
    for (int r = 0; r < rows; r++)
      for (int j = 0; j < LANES; j++) panel[(g * rows + r) * LANES + j] = g * LANES + j < co ? w[r * co + g * LANES + j] : 0.0f;
  for (int r = 0, ky = 0, kx = 0, c = 0; r < rows; r++) {
    offset[r] = ky * row_stride + kx * ci + c;
    if (++c == ci) {
      c = 0;
      if (++kx == kw) kx = 0, ky++;
    }
  }
  const float *at[TILE];
  for (int p0 = 0, b = 0, r = 0, q = 0; p0 < pixels; p0 += TILE) {
    int count = pixels - p0 < TILE ? pixels - p0 : TILE;
    for (int i = 0; i < TILE; i++) {
      // A short last tile repeats its first pixel; those sums are not stored.
      at[i] = i < count ? image + b * image_stride + r * sh * row_stride + q * sw * ci : at[0];
      if (i < count && ++q == ow) {
        q = 0;
        if (++r == oh) r = 0, b++;
      }
    }
    for (int g = 0; g < groups; g++) {
      int width = co - g * LANES < LANES ? co - g * LANES : LANES;
      tile(at[0], at[1], at[2], at[3], offset, rows, panel + g * rows * LANES, y + p0 * co + g * LANES, co, count,
           width);
    }
  }
}
