package io.zkaudit.simulations.scenario;

/** A scenario that cannot be loaded: unknown name, unreadable file or invalid content. One line. */
public final class ConfigException extends Exception {
  public ConfigException(String message) {
    super(message);
  }
}
