/**
 * ONNX import without generated classes: a bounds-checked protobuf reader, the graph's parts,
 * topological order, NCHW→NHWC reordering, and two importers: float graphs (quantized here,
 * calibrated) and already-quantized graphs (QDQ and QOperator, with the file's own scales).
 * docs/models.md lists the operators and what is refused. {@link io.zkaudit.onnx.InputMetadata}
 * reads the input normalization a file's metadata_props name (zkaudit.input_range, .input_mean,
 * .input_std).
 */
package io.zkaudit.onnx;
