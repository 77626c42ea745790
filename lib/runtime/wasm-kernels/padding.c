// The input of a convolution as its windows read it, shared by conv2d.c and
// conv2d-backprop-filter.c: x itself where the windows stay inside it, else a
// copy with zeros around it (the padding XNNPACK reads from a zero buffer:
// multiplied like any other input, so the sums keep their bits).
#include "kernels.h"

// The windows read rows 0..hp and columns 0..wp of the padded input.
int needs_padding(int ih, int iw, int hp, int wp, int top, int left) {
  return top > 0 || left > 0 || hp > ih || wp > iw;
}

// padded[n, hp, wp, ci] = x[n, ih, iw, ci] moved down by top and right by left, zeros around it.
static void pad_images(const float *x, float *padded, int n, int ih, int iw, int ci, int hp, int wp, int top, int left) {
  for (int b = 0; b < n; b++)
    for (int y = 0; y < hp; y++)
      for (int xx = 0; xx < wp; xx++)
        for (int c = 0; c < ci; c++) {
          int sy = y - top, sx = xx - left;
          padded[((b * hp + y) * wp + xx) * ci + c] =
              sy >= 0 && sy < ih && sx >= 0 && sx < iw ? x[((b * ih + sy) * iw + sx) * ci + c] : 0.0f;
        }
}

float *window_input(const float *x, float *scratch, int n, int ih, int iw, int ci, int hp, int wp, int top, int left,
                    windowed_input *in) {
  if (!needs_padding(ih, iw, hp, wp, top, left)) {
    *in = (windowed_input){x, iw * ci, ih * iw * ci};
    return scratch;
  }
  pad_images(x, scratch, n, ih, iw, ci, hp, wp, top, left);
  *in = (windowed_input){scratch, wp * ci, hp * wp * ci};
  return scratch + n * hp * wp * ci;
}
