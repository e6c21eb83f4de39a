/**
 * Float models (from TFLite float or ONNX) in the engine's NHWC layout, and their float inference:
 * the input of the quantizer and the reference its accuracy is measured against.
 */
package io.zkaudit.floatmodel;
