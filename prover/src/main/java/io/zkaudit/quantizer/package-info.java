/**
 * Post-training quantization of a float model (TFLite float or ONNX import) into a {@link
 * io.zkaudit.prover.model.QuantizedModel}: min/max {@link io.zkaudit.quantizer.Calibration} over
 * sample inputs, then the int8 scheme TFLite uses: weights symmetric per output channel, int32
 * biases, activations asymmetric per tensor ({@link io.zkaudit.quantizer.Quantizer}). Which images
 * a model is calibrated on, by its input shape, is {@link io.zkaudit.quantizer.CalibrationData}.
 * Not to be confused with the verifier's {@code io.zkaudit.quant}, the step tables that prove
 * rounding.
 */
package io.zkaudit.quantizer;
