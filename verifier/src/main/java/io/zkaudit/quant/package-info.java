/**
 * Rounding as a lookup: a layer's requantization is a monotone step function from its int32
 * accumulator onto the output range ({@link io.zkaudit.quant.MonotoneStep}), proven by one tuple
 * lookup into the table of its steps and two 16-bit range checks ({@link
 * io.zkaudit.quant.StepTable}; docs/model-proofs.md, "Rounding").
 */
package io.zkaudit.quant;
