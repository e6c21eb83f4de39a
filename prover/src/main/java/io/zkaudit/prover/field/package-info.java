/**
 * Field kernels for the provers' hot loops, shared by the sumcheck and lookup provers and the
 * benchmarks: Goldilocks and extension arithmetic with delayed reduction ({@link
 * io.zkaudit.prover.field.FastField}), equal to the verifier's {@code io.zkaudit.field} (whose
 * {@link io.zkaudit.field.Ext2#W} is the one non-residue).
 */
package io.zkaudit.prover.field;
