// The gradient of max pooling, for the wasm backend. wasm's own MaxPoolGrad
// (4.22.0) is wrong for windows whose maximum is not positive, and composing
// it from whole-tensor kernels took a quarter of a LeNet training step; the
// loop itself is short, and no package ships it for WebAssembly.
//
// x and dx are [n, h, w, c], dy is [n, oh, ow, c], all float32, channels
// last. Each window's gradient goes to its first maximum: the first pixel it
// reads, replaced only by a strictly greater one, as the cpu backend routes
// ties (windows of zeros after relu are common). A NaN never replaces, so a
// window that starts with NaN gives its first pixel the gradient. Padding
// (pad 'same' or explicit) is never read. Overlapping windows add their
// gradients in the order of the loops: the same sums on every machine.
#include <wasm_simd128.h>

__attribute__((export_name("max_pool_grad")))
void max_pool_grad(const float *x, const float *dy, float *dx, int n, int h, int w, int c, int oh, int ow, int kh, int kw,
                   int sh, int sw, int top, int left) {
  for (int i = 0; i < n * h * w * c; i++) dx[i] = 0.0f;
  for (int b = 0; b < n; b++)
    for (int r = 0; r < oh; r++)
      for (int q = 0; q < ow; q++) {
        int y0 = r * sh - top, x0 = q * sw - left;
        int ys = y0 < 0 ? 0 : y0, ye = y0 + kh > h ? h : y0 + kh;
        int xs = x0 < 0 ? 0 : x0, xe = x0 + kw > w ? w : x0 + kw;
        if (ys >= ye || xs >= xe) continue; // a window of padding only
        const float *g = dy + ((b * oh + r) * ow + q) * c;
        int first = ((b * h + ys) * w + xs) * c;
        int ch = 0;
        // Four channels at a time: the maxima and where they are, side by side.
        for (; ch + 4 <= c; ch += 4) {
          v128_t best = wasm_v128_load(x + first + ch);
          v128_t at = wasm_i32x4_add(wasm_i32x4_splat(first + ch), wasm_i32x4_make(0, 1, 2, 3));
          for (int y = ys; y < ye; y++)
            for (int xx = xs; xx < xe; xx++) {
              int i = ((b * h + y) * w + xx) * c + ch;
              v128_t v = wasm_v128_load(x + i);
              v128_t greater = wasm_f32x4_gt(v, best);
              best = wasm_v128_bitselect(v, best, greater);
              at = wasm_v128_bitselect(wasm_i32x4_add(wasm_i32x4_splat(i), wasm_i32x4_make(0, 1, 2, 3)), at, greater);
            }
          dx[wasm_i32x4_extract_lane(at, 0)] += g[ch];
          dx[wasm_i32x4_extract_lane(at, 1)] += g[ch + 1];
          dx[wasm_i32x4_extract_lane(at, 2)] += g[ch + 2];
          dx[wasm_i32x4_extract_lane(at, 3)] += g[ch + 3];
        }
        for (; ch < c; ch++) {
          int at = first + ch;
          float best = x[at];
          for (int y = ys; y < ye; y++)
            for (int xx = xs; xx < xe; xx++) {
              int i = ((b * h + y) * w + xx) * c + ch;
              if (x[i] > best) best = x[i], at = i;
            }
          dx[at] += g[ch];
        }
      }
}
