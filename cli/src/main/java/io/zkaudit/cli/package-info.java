/**
 * The {@code zkaudit} command line (picocli): commit, prove and verify a model's inference; run a
 * seller, a buyer or an attester; the chain node and escrow commands; inference, evaluation and
 * benchmarks on the shared datasets; and the end-to-end demo. It maps every domain failure to one
 * line and an exit code ({@link io.zkaudit.cli.CliException}, {@link io.zkaudit.cli.Main}); the
 * protocols themselves live in {@code io.zkaudit.protocols}.
 */
package io.zkaudit.cli;
