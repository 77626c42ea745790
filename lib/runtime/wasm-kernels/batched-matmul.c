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

#define COLS 16 // four vectors of four floats: one tile's width

// out[0..1) x [0..16) of a 1-row tile: four accumulators of four floats.
static void tile_1x16(const float *a, int a_step, const float *b, float *out, int k, int n) {
  v128_t c0 = wasm_f32x4_splat(0.0f), c1 = c0, c2 = c0, c3 = c0;
  for (int p = 0; p < k; p++, b += n) {
    v128_t s = wasm_f32x4_splat(a[p * a_step]);
    c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(s, wasm_v128_load(b)));
    c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(s, wasm_v128_load(b + 4)));
    c2 = wasm_f32x4_add(c2, wasm_f32x4_mul(s, wasm_v128_load(b + 8)));
    c3 = wasm_f32x4_add(c3, wasm_f32x4_mul(s, wasm_v128_load(b + 12)));
  }
  wasm_v128_store(out, c0);
  wasm_v128_store(out + 4, c1);
  wasm_v128_store(out + 8, c2);
  wasm_v128_store(out + 12, c3);
}

// A 4-row, 16-column tile: each row of b loaded once serves four rows of a.
#define ROW(acc, r)                                                            \
  {                                                                         \
    v128_t s = wasm_f32x4_splat(a[(r) * a_row + p * a_step]);                          \
    acc##0 = wasm_f32x4_add(acc##0, wasm_f32x4_mul(s, b0));                     \
    acc##1 = wasm_f32x4_add(acc##1, wasm_f32x4_mul(s, b1));                     \
    acc##2 = wasm_f32x4_add(acc##2, wasm_f32x4_mul(s, b2));                     \
    acc##3 = wasm_f32x4_add(acc##3, wasm_f32x4_mul(s, b3));                     \
  }
#define STORE(acc, r)                                                          \
  wasm_v128_store(out + (r) * n, acc##0);                                     \
  wasm_v128_store(out + (r) * n + 4, acc##1);                                 \
  wasm_v128_store(out + (r) * n + 8, acc##2);                                 \
  wasm_v128_store(out + (r) * n + 12, acc##3);

static void tile_4x16(const float *a, int a_row, int a_step, const float *b, float *out, int k, int n) {
  v128_t zero = wasm_f32x4_splat(0.0f);
  v128_t A0 = zero, A1 = zero, A2 = zero, A3 = zero, B0 = zero, B1 = zero, B2 = zero, B3 = zero;
  v128_t C0 = zero, C1 = zero, C2 = zero, C3 = zero, D0 = zero, D1 = zero, D2 = zero, D3 = zero;
  for (int p = 0; p < k; p++) {
    const float *row = b + p * n;
    v128_t b0 = wasm_v128_load(row), b1 = wasm_v128_load(row + 4);
    v128_t b2 = wasm_v128_load(row + 8), b3 = wasm_v128_load(row + 12);
    ROW(A, 0) ROW(B, 1) ROW(C, 2) ROW(D, 3)
  }
  STORE(A, 0) STORE(B, 1) STORE(C, 2) STORE(D, 3)
}

// A 1-row, 4-column tile, for the columns past the last 16-column tile.
static void tile_1x4(const float *a, int a_step, const float *b, float *out, int k, int n) {
  v128_t c = wasm_f32x4_splat(0.0f);
  for (int p = 0; p < k; p++, b += n) c = wasm_f32x4_add(c, wasm_f32x4_mul(wasm_f32x4_splat(a[p * a_step]), wasm_v128_load(b)));
  wasm_v128_store(out, c);
}

// A 4-row, 4-column tile.
static void tile_4x4(const float *a, int a_row, int a_step, const float *b, float *out, int k, int n) {
  v128_t c0 = wasm_f32x4_splat(0.0f), c1 = c0, c2 = c0, c3 = c0;
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
static void tail_columns(const float *a, int a_row, int a_step, const float *b, float *out, int m, int k, int n, int from) {
  for (int i = 0; i < m; i++)
    for (int j = from; j < n; j++) {
      float sum = 0.0f;
      for (int p = 0; p < k; p++) sum += a[i * a_row + p * a_step] * b[p * n + j];
      out[i * n + j] = sum;
    }
}

void matmul(const float *a, int a_row, int a_step, const float *b, float *out, int m, int k, int n) {
  int wide = n - n % COLS, narrow = n - n % 4;
  for (int j = 0; j < wide; j += COLS) {
    int i = 0;
    for (; i + 4 <= m; i += 4) tile_4x16(a + i * a_row, a_row, a_step, b + j, out + i * n + j, k, n);
    for (; i < m; i++) tile_1x16(a + i * a_row, a_step, b + j, out + i * n + j, k, n);
  }
  for (int j = wide; j < narrow; j += 4) {
    int i = 0;
    for (; i + 4 <= m; i += 4) tile_4x4(a + i * a_row, a_row, a_step, b + j, out + i * n + j, k, n);
    for (; i < m; i++) tile_1x4(a + i * a_row, a_step, b + j, out + i * n + j, k, n);
  }
  tail_columns(a, a_row, a_step, b, out, m, k, n, narrow);
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
      for (int j = 0; j < n; j++)
        for (int p = 0; p < k; p++) scratch[p * n + j] = right[j * k + p];
    }
    matmul(a + g * a_stride, a_row, a_step, b_transposed ? scratch : right, out + g * m * n, m, k, n);
  }
}
