/**
 * Multilinear polynomials in evaluation form over {0,1}^n: evaluation, eq(z, x) and its tables, and
 * the split-eq evaluation (eq over high and low halves) that keeps the verifier's table evaluations
 * at O(2^n) multiplications with 2^(n/2) memory. {@link io.zkaudit.poly.Mle} fixes the variable
 * order every module uses.
 */
package io.zkaudit.poly;
