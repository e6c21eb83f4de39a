/**
 * The argmax and the count of an accuracy proof (issue 16, docs/accuracy-proof.md): given the
 * committed logits ℓ(b, j) of N samples and K classes and the public labels y_b, that exactly
 * {@code correct} samples have their <b>first</b> maximal logit at y_b (the runtime's tie rule,
 * {@code engine/Predictions}).
 *
 * <p><b>Layout.</b> x = (j, b) on {0,1}^(kb + nb), class bits low, sample bits high ({@link
 * ArgmaxLayout}); box(x) = [b &lt; N][j &lt; K] marks the real entries. No relation reads an entry
 * outside the box, so a zero-knowledge prover fills the padding of its columns with uniform values.
 *
 * <p><b>Witness.</b> The prover commits a selector s (s(b, p_b) = 1 at the predicted class p_b, 0
 * at the other real classes), m(b) = ℓ(b, p_b) over the sample bits, and the gap d(b, j) = m(b) −
 * ℓ(b, j) − t(b, j) with t(b, j) = [j &lt; p_b] = Σ_{j &lt; k &lt; K} s(b, k). The gap goes into
 * the 16-bit range lookup (on the box): d ≥ 0 says no logit exceeds m, and no earlier class equals
 * it; so p_b is the first maximum. Logits are integers of the model's output type, so d cannot wrap
 * around the field; an honest proof needs each sample's logits to span at most 2^16 − 1.
 *
 * <p><b>Relations</b> (all on the box), each turned into one sum by the MLE at a random point r =
 * (r_j, r_b) drawn after the commitments:
 *
 * <ol>
 *   <li>(A) s(1 − s) = 0: Σ_x eq(r, x) box(x) s(x)(1 − s(x)) = 0;
 *   <li>(B) Σ_{j &lt; K} s(b, j) = 1 for b &lt; N: Σ_x eq(r_b, b) box(x) s(x) = [b &lt; N]~(r_b);
 *   <li>(C) m(b) = Σ_{j &lt; K} s ℓ for b &lt; N: Σ_x eq(r_b, b) (box·s·ℓ − 2^−kb [b &lt; N] m(b))
 *       = 0;
 *   <li>(D) d = m − ℓ − t on the box, with t folded in rather than committed: Σ_x eq(r, x) box(x)
 *       t(x) = Σ_{b, k} eq(r_b, b)[b &lt; N] W(k) s(b, k), W(k) = Σ_{j &lt; k &lt; K} eq(r_j, j);
 *   <li>(E) Σ_x box(x) L(x) s(x) = correct, L(b, j) = [b &lt; N][j = y_b] (padding samples never
 *       count; box lets a committed label table have uniform padding).
 * </ol>
 *
 * (A) with (B) make each real row one-hot among the real classes (s is 0 or 1 there and K &lt; p).
 * A random λ batches the five into one sumcheck of degree 3 over kb + nb variables ({@link
 * ArgmaxRelations}); its public tables are products of a class factor and a sample factor, whose
 * MLEs the verifier evaluates in O(kb + nb) (eq restricted to a prefix, and W as a four-state walk
 * over the bits) except L, O(N + 2^nb + 2^kb) from the labels. Soundness: nb + kb rounds of degree
 * 3 (3/|F| each), the five zero-checks at r ((kb + nb)/|F| each), the batching (4/|F|), plus the
 * range lookup's and the openings' own errors.
 *
 * <p><b>Zero knowledge.</b> The sumcheck is Libra-masked (closed end) with one mask of the mask
 * column; the values it reveals at its end σ are s(σ), d(σ), m(σ_b) and ℓ(σ), each weighing its
 * column's uniform padding (a zero-knowledge layout always has padding samples); the public tables'
 * values are not sent (the verifier evaluates them). {@code correct}, N, K and the labels are
 * public.
 *
 * <p><b>Output.</b> {@link ArgmaxCountVerifier.Outcome}: one evaluation claim on each of ℓ (for the
 * inference proof to discharge), s, m and d (for the proof's batched opening), the gap's group for
 * the proof's range lookup, and the mask value in the ledger.
 */
package io.zkaudit.accuracy;
