/**
 * Datasets and inputs: CIFAR-10, MNIST and the ImageNet sample from ../shared, image files and
 * tensor files (.npy), deterministic resizing, and the encoding of pixels into a model's quantized
 * input.
 */
package io.zkaudit.data;
