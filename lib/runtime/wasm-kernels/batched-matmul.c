// A batched matrix product for the wasm backend, with WebAssembly SIMD.
//
// tfjs's wasm BatchMatMul is fast (XNNPACK) only for one matrix times one
// matrix; with a batch (attention: one product per message and head) it falls
// back to a scalar loop that spends about 28 ns per output element: it made
// three quarters of lesson 5's training time. No package ships a batched
// SIMD product for WebAssembly, so this file is one, kept small.
//
// out[g] = a[g] (m x k) times b[g] (k x n), all float32. b and out are
// row-major; a's element (i, p) is a[i * a_row + p * a_step], so a may be
// given transposed (a_row 1, a_step m) and a weight gradient's transpose is
// never written out. A batch stride of 0 repeats one matrix for every g
// (broadcasting). Each output element is
// summed in order of k, one product at a time and without fused multiply-add,
// so the result is the same on every machine.
//
// Built by `npm run build-kernels` (clang's wasm32 target; see build.ts)
// into kernels.wasm, with the other kernels of this folder.
#include <wasm_simd128.h>
#include "kernels.h"

// A 4-row, 8-column tile: 8 accumulators, which with the 2 vectors of b and a
// splat leave V8 registers to spare on x86-64. A 6-row tile (12 accumulators)
// ran 1.3 to 1.5 times slower, and so did this one with its loop unrolled.
#define ROW8(r)                                                                  \
  {                                                                              \
    v128_t s = wasm_v128_load32_splat(a + (r) * a_row + p * a_step);             \
    c##r##0 = wasm_f32x4_add(c##r##0, wasm_f32x4_mul(s, b0));                    \
    c##r##1 = wasm_f32x4_add(c##r##1, wasm_f32x4_mul(s, b1));                    \
  }
#define START(r) v128_t c##r##0 = more ? wasm_v128_load(out + (r) * n) : z, c##r##1 = more ? wasm_v128_load(out + (r) * n + 4) : z;
static void tile_4x8(const float *a, int a_row, int a_step, const float *b, float *out, int k, int n, int more) {
  v128_t z = wasm_f32x4_splat(0.0f);
  START(0) START(1) START(2) START(3)
#pragma clang loop unroll(disable)
  for (int p = 0; p < k; p++) {
    const float *row = b + p * n;
    v128_t b0 = wasm_v128_load(row), b1 = wasm_v128_load(row + 4);
    ROW8(0) ROW8(1) ROW8(2) ROW8(3)
  }
  wasm_v128_store(out, c00), wasm_v128_store(out + 4, c01);
  wasm_v128_store(out + n, c10), wasm_v128_store(out + n + 4, c11);
  wasm_v128_store(out + 2 * n, c20), wasm_v128_store(out + 2 * n + 4, c21);
  wasm_v128_store(out + 3 * n, c30), wasm_v128_store(out + 3 * n + 4, c31);
}

// A 1-row, 8-column tile.
static void tile_1x8(const float *a, int a_step, const float *b, float *out, int k, int n, int more) {
  v128_t z = wasm_f32x4_splat(0.0f), c0 = more ? wasm_v128_load(out) : z, c1 = more ? wasm_v128_load(out + 4) : z;
  for (int p = 0; p < k; p++, b += n) {
    v128_t s = wasm_v128_load32_splat(a + p * a_step);
    c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(s, wasm_v128_load(b)));
    c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(s, wasm_v128_load(b + 4)));
  }
  wasm_v128_store(out, c0), wasm_v128_store(out + 4, c1);
}

// A 1-row, 4-column tile, for the columns past the last 8-column tile.
static void tile_1x4(const float *a, int a_step, const float *b, float *out, int k, int n, int more) {
  v128_t c = more ? wasm_v128_load(out) : wasm_f32x4_splat(0.0f);
  for (int p = 0; p < k; p++, b += n) c = wasm_f32x4_add(c, wasm_f32x4_mul(wasm_f32x4_splat(a[p * a_step]), wasm_v128_load(b)));
  wasm_v128_store(out, c);
}

// A 4-row, 4-column tile.
static void tile_4x4(const float *a, int a_row, int a_step, const float *b, float *out, int k, int n, int more) {
  v128_t z = wasm_f32x4_splat(0.0f);
  v128_t c0 = more ? wasm_v128_load(out) : z, c1 = more ? wasm_v128_load(out + n) : z;
  v128_t c2 = more ? wasm_v128_load(out + 2 * n) : z, c3 = more ? wasm_v128_load(out + 3 * n) : z;
  for (int p = 0; p < k; p++, b += n) {
    v128_t row = wasm_v128_load(b);
    c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(wasm_f32x4_splat(a[p * a_step]), row));
    c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(wasm_f32x4_splat(a[a_row + p * a_step]), row));
    c2 = wasm_f32x4_add(c2, wasm_f32x4_mul(wasm_f32x4_splat(a[2 * a_row + p * a_step]), row));
    c3 = wasm_f32x4_add(c3, wasm_f32x4_mul(wasm_f32x4_splat(a[3 * a_row + p * a_step]), row));
  }
  wasm_v128_store(out, c0);
  wasm_v128_store(out + n, c1);
  wasm_v128_store(out + 2 * n, c2);
  wasm_v128_store(out + 3 * n, c3);
}

// The last columns (fewer than 4), one output element at a time.
static void tail_columns(const float *a, int a_row, int a_step, const float *b, float *out, int m, int k, int n, int from,
                         int more) {
  for (int i = 0; i < m; i++)
    for (int j = from; j < n; j++) {
      float sum = more ? out[i * n + j] : 0.0f;
      for (int p = 0; p < k; p++) sum += a[i * a_row + p * a_step] * b[p * n + j];
      out[i * n + j] = sum;
    }
}

// The terms of every sum are taken BLOCK at a time, each block for the whole
// output, so that a's block stays in the cache while every column tile reads
// it (a weight gradient's a can be 2,048 terms long); between blocks the
// partial sums wait in out, which changes no bit: each sum still adds its
// terms in order, from +0.
#define BLOCK 256
void matmul(const float *a, int a_row, int a_step, const float *b, float *out, int m, int k, int n) {
  int wide = n - n % 8, narrow = n - n % 4;
  for (int p0 = 0; p0 < k; p0 += BLOCK) {
    int more = p0 > 0, terms = k - p0 < BLOCK ? k - p0 : BLOCK;
    const float *ap = a + p0 * a_step, *bp = b + p0 * n;
    for (int j = 0; j < wide; j += 8) {
      int i = 0;
      for (; i + 4 <= m; i += 4) tile_4x8(ap + i * a_row, a_row, a_step, bp + j, out + i * n + j, terms, n, more);
      for (; i < m; i++) tile_1x8(ap + i * a_row, a_step, bp + j, out + i * n + j, terms, n, more);
    }
    for (int j = wide; j < narrow; j += 4) {
      int i = 0;
      for (; i + 4 <= m; i += 4) tile_4x4(ap + i * a_row, a_row, a_step, bp + j, out + i * n + j, terms, n, more);
      for (; i < m; i++) tile_1x4(ap + i * a_row, a_step, bp + j, out + i * n + j, terms, n, more);
    }
    tail_columns(ap, a_row, a_step, bp, out, m, terms, n, narrow, more);
  }
}

// b_transposed: each matrix of b is stored n x k, and is first copied out
// row-major into scratch (k * n floats), which changes no sum.
__attribute__((export_name("batched_matmul")))
void batched_matmul(const float *a, const float *b, float *out, int batches, int m, int k, int n, int a_stride, int b_stride,
                    int a_transposed, int b_transposed, float *scratch) {
  int a_row = a_transposed ? 1 : k, a_step = a_transposed ? m : 1;
  for (int g = 0; g < batches; g++) {
    const float *right = b + g * b_stride;
    if (b_transposed && (g == 0 || b_stride != 0)) {
      // In blocks of 8 x 8, so that neither side is walked with a long stride.
      for (int j0 = 0; j0 < n; j0 += 8)
        for (int p0 = 0; p0 < k; p0 += 8)
          for (int p = p0; p < p0 + 8 && p < k; p++)
            for (int j = j0; j < j0 + 8 && j < n; j++) scratch[p * n + j] = right[j * k + p];
    }
    matmul(a + g * a_stride, a_row, a_step, b_transposed ? scratch : right, out + g * m * n, m, k, n);
  }
}
