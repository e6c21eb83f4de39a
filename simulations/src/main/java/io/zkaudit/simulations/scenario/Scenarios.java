package io.zkaudit.simulations.scenario;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Loads a scenario by shipped name or from a JSON file, and writes one back as JSON. */
public final class Scenarios {
  /** The shipped scenarios, in the order the issue lists them. */
  public static final List<String> SHIPPED =
      List.of(
          SpotCheckConfig.NAME,
          AccuracyAuditConfig.NAME,
          EconomicsConfig.NAME,
          MarketplaceConfig.NAME);

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(SerializationFeature.INDENT_OUTPUT);

  private Scenarios() {}

  /** A shipped scenario's name, or a path to a JSON file. */
  public static ScenarioConfig load(String nameOrPath) throws ConfigException {
    if (SHIPPED.contains(nameOrPath)) {
      try (InputStream in =
          Scenarios.class.getResourceAsStream("/scenarios/" + nameOrPath + ".json")) {
        if (in == null)
          throw new IllegalStateException(
              "shipped scenario " + nameOrPath + " is missing from the jar");
        return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), nameOrPath);
      } catch (IOException e) {
        throw new ConfigException(
            "cannot read shipped scenario " + nameOrPath + ": " + e.getMessage());
      }
    }
    Path file = Path.of(nameOrPath);
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(
          "unknown scenario '"
              + nameOrPath
              + "': name one of "
              + String.join(", ", SHIPPED)
              + ", or a JSON file");
    }
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new ConfigException("cannot read " + file + ": " + e.getMessage());
    }
  }

  /** Parses a configuration; {@code source} names it in errors. */
  public static ScenarioConfig parse(String json, String source) throws ConfigException {
    if (!json.strip().startsWith("{")) {
      throw new ConfigException(
          source
              + ": expected a JSON object with a \"scenario\" field (one of "
              + String.join(", ", SHIPPED)
              + ")");
    }
    try {
      ScenarioConfig c = JSON.readValue(json, ScenarioConfig.class);
      if (c == null) throw new ConfigException(source + ": empty configuration");
      return c;
    } catch (JsonProcessingException e) {
      throw new ConfigException(source + ": " + describe(e));
    }
  }

  public static String toJson(ScenarioConfig c) {
    try {
      return JSON.writeValueAsString(c);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a configuration record did not serialise", e);
    }
  }

  /**
   * One line: a record's own check ("confidence must be in ...") or Jackson's first line, and
   * where.
   */
  private static String describe(JsonProcessingException e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) cause = cause.getCause();
    String message =
        cause instanceof IllegalArgumentException ? cause.getMessage() : e.getOriginalMessage();
    if (message.contains("missing type id property 'scenario'")) {
      message = "missing \"scenario\" (one of " + String.join(", ", SHIPPED) + ")";
    } else if (message.contains("Could not resolve type id")) {
      message = "unknown \"scenario\" value (expected one of " + String.join(", ", SHIPPED) + ")";
    }
    message = message.lines().findFirst().orElse(message);
    JsonLocation at = e.getLocation();
    return at == null || at.getLineNr() < 0
        ? message
        : message + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
  }
}
