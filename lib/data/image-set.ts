/**
 * Images as data sets store them on disk: one byte per pixel value, each image
 * channel-first (all of channel 0, then channel 1, ...), as in the IDX files of
 * (Fashion-)MNIST and the binary files of CIFAR-10.
 */
export interface ImageSet {
  /** count * channels * height * width bytes. */
  images: Uint8Array;
  /** count class indices. */
  labels: Uint8Array;
  count: number;
  channels: number;
  height: number;
  width: number;
  classNames: readonly string[];
}
