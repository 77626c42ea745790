// What the C kernels of this folder share; they are built into one module,
// kernels.wasm, so that one can call another on the same memory.

// out (m x n) = a (m x k) times b (k x n); a's element (i, p) is a[i * a_row + p * a_step].
void matmul(const float *a, int a_row, int a_step, const float *b, float *out, int m, int k, int n);

// Output pixels handled at a time by the convolution's input gradient: their
// part of the product stays in the cache until it is scattered.
#define PIXELS 64

// Whether a convolution's windows (rows 0..hp, columns 0..wp of the padded
// input) read outside x, so that it must be padded first (padding.c).
int needs_padding(int ih, int iw, int hp, int wp, int top, int left);

// A convolution's input as its windows read it (padding.c).
typedef struct {
  const float *image;
  int row_stride, image_stride; // floats from one row to the next, and from one image to the next
} windowed_input;
// x itself, or, where the windows read outside x, a copy at scratch with zeros
// around it (n * hp * wp * ci floats). Returns the scratch left after it.
float *window_input(const float *x, float *scratch, int n, int ih, int iw, int ci, int hp, int wp, int top, int left,
                    windowed_input *in);
