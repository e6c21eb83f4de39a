package io.zkaudit.prover.bench;

/**
 * One line of a benchmark table: what was measured, its median over {@code runs} runs, the unit,
 * the target it is held to (empty if none) and a free note (sizes, memory).
 */
public record BenchRow(String what, double median, String unit, String target, String note, int runs) {}
