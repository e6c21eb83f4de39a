/**
 * TFLite import without generated classes: a bounds-checked flatbuffers reader, the file as plain
 * records, and the lowering of quantized graphs (uint8 per-tensor, int8 per-channel) to the integer
 * model with TFLite's own derivation of every multiplier and shift, and of float graphs to a float
 * model.
 */
package io.zkaudit.tflite;
