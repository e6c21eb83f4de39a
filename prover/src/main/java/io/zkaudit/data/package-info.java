/**
 * Datasets and inputs: CIFAR-10, MNIST and the ImageNet sample from ../shared, image files and
 * tensor files (.npy), deterministic resizing, and the encoding of pixels into a model's quantized
 * input: pixel p of channel c becomes the real value x = a_c·p + b_c ({@link
 * io.zkaudit.data.InputNormalization}: one interval lo + p·(hi − lo)/255 for all channels, or
 * (p/255 − mean_c)/std_c), then q = clamp(round(x/scale) + zeroPoint).
 */
package io.zkaudit.data;
