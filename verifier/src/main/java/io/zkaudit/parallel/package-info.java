/**
 * The worker pool for data-parallel loops (NTT, Merkle hashing, the provers' folding and sumcheck
 * kernels): {@link io.zkaudit.parallel.Parallel}, one pool of {@code -Dzkaudit.threads=N} workers.
 */
package io.zkaudit.parallel;
