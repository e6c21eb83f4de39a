/**
 * The exact integer inference of a quantized model: one kernel per layer kind following the integer
 * semantics its {@code io.zkaudit.model} record states (bit for bit TFLite's), and the trace of
 * every tensor and raw accumulator that the prover's witness is built from.
 */
package io.zkaudit.engine;
