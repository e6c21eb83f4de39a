/**
 * The sumcheck protocol's verifier and proof formats: Σ_x [eq(z, x)] C(f(x)) = claim for a
 * composition C of multilinear tables, one round polynomial per variable (degree D, sent at 0, 2,
 * …, D; g(1) derived), Libra's masked variant for zero knowledge (Xie et al., eprint 2019/317) and
 * its open-ended form whose end the caller ties to an opening claim (docs/sumcheck-and-lookups.md).
 */
package io.zkaudit.sumcheck;
