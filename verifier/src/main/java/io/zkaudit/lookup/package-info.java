/**
 * logUp-GKR lookups (Haböck, eprint 2022/1530; Papini–Haböck, eprint 2023/1284): the public
 * statement (tables, witness groups), the fraction trees both sides lay out, the verifier, the
 * blinding of zero-knowledge lookups, and the soundness of each round. Σ m(y)/(α − t(y)) = Σ 1/(α −
 * w(x)) is proven as the roots of fraction trees, each GKR layer a sumcheck
 * (docs/sumcheck-and-lookups.md).
 */
package io.zkaudit.lookup;
