package io.zkaudit.simulations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.simulations.scenario.ConfigException;
import io.zkaudit.simulations.scenario.ScenarioConfig;
import io.zkaudit.simulations.scenario.Scenarios;
import io.zkaudit.simulations.scenario.SpotCheckConfig;
import org.junit.jupiter.api.Test;

class SimulationConfigTest {

  static String error(String json) {
    var e = assertThrows(ConfigException.class, () -> Scenarios.parse(json, "x.json"));
    assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    assertTrue(e.getMessage().startsWith("x.json: "), e.getMessage());
    return e.getMessage();
  }

  @Test
  void everyShippedScenarioLoadsAndRoundTrips() throws Exception {
    for (String name : Scenarios.SHIPPED) {
      ScenarioConfig c = Scenarios.load(name);
      assertEquals(name, c.name());
      assertEquals(c, Scenarios.parse(Scenarios.toJson(c), name), name + " survives JSON");
    }
  }

  @Test
  void badConfigurationsAreRefusedWithOneLineNamingTheProblem() {
    assertTrue(error("{\"scenario\": \"spot-check\", ").contains("line 1"));
    assertTrue(error("{\"runs\": 3}").contains("missing \"scenario\""));
    assertTrue(error("[1, 2]").contains("expected a JSON object"));
    assertTrue(error("").contains("expected a JSON object"));
    assertTrue(error("{\"scenario\": \"poker\"}").contains("unknown \"scenario\""));
    String valid =
        Scenarios.toJson(
            new SpotCheckConfig(
                10,
                1,
                java.util.List.of(0.05),
                0.975,
                100,
                0,
                java.util.List.of(),
                "random",
                2,
                1,
                new SpotCheckConfig.Live("resnet8", 2, 4, 0.5, 1, 1)));
    assertTrue(
        error(valid.replace("\"confidence\" : 0.975", "\"confidence\" : 1.5"))
            .contains("confidence must be in (0, 1), got 1.5"));
    assertTrue(
        error(valid.replace("\"confidence\" : 0.975", "\"confidenc\" : 0.975"))
            .contains("confidenc"));
    assertTrue(error(valid.replace("\"runs\" : 10", "\"runs\" : 0")).contains("runs must be"));
    assertTrue(
        error(valid.replace("\"targeting\" : \"random\"", "\"targeting\" : \"sideways\""))
            .contains("targeting must be"));
  }

  @Test
  void anUnknownScenarioNameListsTheShippedOnes() {
    var e = assertThrows(ConfigException.class, () -> Scenarios.load("nonsense"));
    assertEquals(
        "unknown scenario 'nonsense': name one of spot-check, accuracy-audit, economics,"
            + " marketplace, or a JSON file",
        e.getMessage());
  }
}
