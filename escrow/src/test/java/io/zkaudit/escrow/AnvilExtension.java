package io.zkaudit.escrow;

import io.zkaudit.escrow.chain.ChainNode;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a running Anvil node. One node serves the whole test run (it is stored in the root
 * context and stopped when the run ends): starting anvil is cheap, but each test deploys its own
 * contracts anyway, so tests stay independent.
 */
public final class AnvilExtension implements ParameterResolver {

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == ChainNode.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getRoot()
        .getStore(ExtensionContext.Namespace.create(AnvilExtension.class))
        .getOrComputeIfAbsent("node", key -> new RunningNode(ChainNode.start()), RunningNode.class)
        .node();
  }

  /** Stops the node when JUnit closes the root store at the end of the run. */
  private record RunningNode(ChainNode node) implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      node.close();
    }
  }
}
