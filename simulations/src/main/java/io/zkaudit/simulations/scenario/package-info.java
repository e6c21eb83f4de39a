/**
 * The scenarios' typed configurations, read from JSON ({@link
 * io.zkaudit.simulations.scenario.Scenarios}): a sealed family of records, one per scenario,
 * selected by the {@code "scenario"} field. Every record checks its own values when it is built, so
 * a bad file is refused with one line naming the field, before anything runs. Shipped examples live
 * in {@code src/main/resources/scenarios/}.
 */
package io.zkaudit.simulations.scenario;
