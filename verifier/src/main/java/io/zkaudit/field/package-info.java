/**
 * The fields: Goldilocks, p = 2^64 − 2^32 + 1 ({@link io.zkaudit.field.Goldilocks}, canonical
 * longs), its quadratic extension F_p[u]/(u² − 7) for challenges ({@link io.zkaudit.field.Ext2}; 7
 * is a non-residue, {@link io.zkaudit.field.Ext2#W} the one place it is written), and interleaved
 * vectors of extension elements with once-reduced dot products ({@link
 * io.zkaudit.field.ExtVector}).
 */
package io.zkaudit.field;
