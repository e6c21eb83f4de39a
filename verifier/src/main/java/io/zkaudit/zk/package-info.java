/**
 * Zero-knowledge randomness and masks: the Libra mask columns and ledger the verifier checks
 * ({@link io.zkaudit.zk.MaskColumn}, {@link io.zkaudit.zk.MaskLedger}), and the committer's random
 * stream ({@link io.zkaudit.zk.ZkRandom}: AES-CTR, fresh or derived from a seed). The stream is
 * here because a verifier given a commitment's seed replays it to recompute the commitment ({@link
 * io.zkaudit.inference.InputOpening}).
 */
package io.zkaudit.zk;
