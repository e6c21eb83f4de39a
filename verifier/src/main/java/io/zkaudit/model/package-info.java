/**
 * The public description of a quantized model: tensors with their quantization, and one record per
 * layer kind whose javadoc states its exact integer semantics (TFLite's fixed-point arithmetic,
 * {@link io.zkaudit.model.FixedPoint}). The description's canonical encoding is what a verifying
 * key commits to ({@link io.zkaudit.model.DescriptionCodec}).
 */
package io.zkaudit.model;
