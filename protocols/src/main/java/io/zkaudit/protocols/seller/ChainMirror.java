package io.zkaudit.protocols.seller;

import io.zkaudit.proto.v1.ModelEntry;
import java.util.Optional;

/**
 * The seller's place on a chain, once it has one: the registrations of the models it serves
 * mirrored there, on-chain orders co-signed and contests watched ({@link SellerChain}). Without a
 * chain every mirroring is a no-op.
 */
final class ChainMirror {
  private volatile SellerChain chain;

  /**
   * Puts the seller on {@code c}: the models it serves now are mirrored there, and its contests
   * watched (proven by {@code contests}).
   */
  void use(SellerChain c, SellerRegistry registry, SellerContests contests) {
    this.chain = c;
    for (ModelEntry m : registry.models()) {
      if (registry.holds(m.getModelId())) {
        c.mirror(m);
      }
    }
    c.watch(contests);
  }

  /** Mirrors a registration of a model served from now on, if the seller is on a chain. */
  void mirror(ModelEntry entry) {
    SellerChain c = chain;
    if (c != null) {
      c.mirror(entry);
    }
  }

  Optional<SellerChain> chain() {
    return Optional.ofNullable(chain);
  }
}
