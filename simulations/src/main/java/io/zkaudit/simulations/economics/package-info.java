/**
 * Scenario 3, the economics of each protocol, from measured costs ({@link
 * io.zkaudit.simulations.economics.Calibration}: docs/benchmarks.md and docs/escrow-gas.md).
 *
 * <p>A proof costs (prove seconds × cores) core-seconds, priced at a configurable dollars per
 * core-hour. A contest of k answers costs k proofs, and on chain k × (contest + proveContest) gas;
 * an audit of N samples costs N proofs and one audit flow's gas (request, stake, reveal, settle,
 * withdraw). Gas is priced at gwei × 10⁻⁹ ETH × dollars per ETH. The seed paper's costs, n ×
 * $0.1666, are shown next to ours.
 */
package io.zkaudit.simulations.economics;
