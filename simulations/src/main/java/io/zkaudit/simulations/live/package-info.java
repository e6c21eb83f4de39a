/**
 * Live runs: scenario 1's protocol steps through the real seller and buyer of the protocols module,
 * in this process — a {@link io.zkaudit.protocols.seller.SellerServer} on a loopback gRPC socket
 * with its state in an H2 file, buyers with their own keys and {@link
 * io.zkaudit.protocols.buyer.BuyerClient}s running orders at once, and real zero-knowledge proofs
 * of ResNet-8.
 *
 * <p>The seller signs every answer and, for a fraction f of them, signs another output than its
 * model's ({@link io.zkaudit.simulations.live.TamperingProver}); whether an answer is tampered is a
 * seeded function of its input, so a run's outcomes are reproducible from its seed. Each order's
 * buyer contests k of its answers, drawn at random; the seller proves them honestly, so a tampered
 * one shows a proven output that is not the signed one and the buyer's client rejects the contest.
 * Since answers are tampered independently, P(caught) = 1 − (1 − f)^k per order, the closed form
 * the Monte Carlo scenario uses; the run also counts, per order, whether a tampered answer was
 * among those contested, which the protocol must catch every time.
 */
package io.zkaudit.simulations.live;
