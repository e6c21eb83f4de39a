/**
 * Money and commitments on Ethereum: the Java side of the escrow contracts.
 *
 * <p>{@link io.zkaudit.escrow.EscrowDeployer} deploys the contracts, {@link
 * io.zkaudit.escrow.EscrowClient} is one party's handle on them (registry, prediction escrow, audit
 * escrow, credits), and {@link io.zkaudit.escrow.chain.ChainNode} runs a local Anvil chain for
 * tests and the demo. Every failure that crosses this module's boundary is an {@link
 * io.zkaudit.escrow.EscrowException}.
 */
package io.zkaudit.escrow;
