/**
 * Protocol simulation runs: how the marketplace protocols behave before anyone stakes money. Four
 * scenarios ({@link io.zkaudit.simulations.scenario.ScenarioConfig}) — spot-checked predictions,
 * accuracy audits, the economics of each protocol and a marketplace over time — each computed from
 * closed forms where there are some and by seeded Monte Carlo, and written as a self-contained HTML
 * report with charts and a CSV of every series ({@link io.zkaudit.simulations.Simulations} is the
 * entry point; docs/simulations.md describes the models and their assumptions). Scenario 1 also
 * runs live, through the real seller and buyers of the protocols module ({@link
 * io.zkaudit.simulations.live}).
 */
package io.zkaudit.simulations;
