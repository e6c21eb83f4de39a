package io.zkaudit.simulations.report;

import java.util.List;

/**
 * Everything one simulation run shows.
 *
 * @param summary the table printed on the terminal and shown first in the report
 * @param configJson the configuration the run used, as JSON (runs and seed included)
 * @param notes short paragraphs: what the figures show and what was assumed
 */
public record Report(
    String scenario,
    String title,
    long seed,
    long runs,
    String configJson,
    Table summary,
    List<Table> tables,
    List<Figure> figures,
    List<String> notes,
    double seconds) {
  public Report {
    tables = List.copyOf(tables);
    figures = List.copyOf(figures);
    notes = List.copyOf(notes);
  }

  public Report withSeconds(double s) {
    return new Report(scenario, title, seed, runs, configJson, summary, tables, figures, notes, s);
  }
}
