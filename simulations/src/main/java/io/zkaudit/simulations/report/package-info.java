/**
 * What a simulation run produces and how it is written: {@link
 * io.zkaudit.simulations.report.Report} (tables, figures, the configuration and seed) rendered by
 * {@link io.zkaudit.simulations.report.ReportWriter} into one self-contained HTML file (charts
 * embedded as base64 PNG, also written next to it) and one CSV per figure whose columns are exactly
 * the chart's series, so what people look at and what they re-plot are the same numbers.
 */
package io.zkaudit.simulations.report;
