/**
 * The masks of one zero-knowledge proof, drawn before the witness and handed out in the order the
 * verifier's mask ledger takes them ({@link io.zkaudit.inference.MaskSchedule}): Libra masks for
 * each masked sumcheck and the padding scalars of virtual columns.
 */
package io.zkaudit.prover.zk;
