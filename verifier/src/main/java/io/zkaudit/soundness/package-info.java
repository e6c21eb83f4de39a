/**
 * The soundness calculator: what a verifier's acceptance is worth, round by round.
 *
 * <p>Every proof here is a public-coin interactive protocol made non-interactive with Fiat–Shamir
 * (SHA-256 as a random oracle). For such protocols the quantity that bounds a cheating prover is
 * the <em>round-by-round</em> soundness error: for each verifier challenge, the probability that it
 * turns a doomed transcript into one that can still succeed. A Fiat–Shamir attacker making Q hash
 * queries then wins with probability at most Q times the largest such error (Canetti et al.,
 * "Fiat–Shamir: from practice to theory", STOC 2019; for FRI/Basefold-type proofs Block, Garreta,
 * Katz, Thaler, Tiwari, Zając, eprint 2023/1071). We state security as −log2 of that largest error,
 * the figure an attacker's hash budget is compared against.
 *
 * <p>{@link io.zkaudit.soundness.RoundError} is one round's bound with its formula; {@link
 * io.zkaudit.soundness.SoundnessReport} collects those of a whole proof (sumchecks, lookups,
 * polynomial-commitment openings with their grinding) and names the weakest. {@link
 * io.zkaudit.soundness.ChallengeField} is the field the challenges come from. The formulas are
 * derived in docs/soundness.md; each rests on proven bounds (Schwartz–Zippel, the unique-decoding
 * proximity gaps of Reed–Solomon codes), none on a conjecture.
 */
package io.zkaudit.soundness;
