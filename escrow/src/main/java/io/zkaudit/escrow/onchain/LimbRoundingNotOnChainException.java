package io.zkaudit.escrow.onchain;

/**
 * A model whose description names a limb rounding (docs/model-proofs.md, "Limb roundings") has no
 * on-chain verification yet: LayerSteps.sol opens a layer's remainders c1, c2 at the rounding row's
 * point ρ, while a limb rounding's claims are on its limb columns at (ρ, t*). Refused with the
 * layer's name rather than encoded into a plan the contracts would mis-verify. A subtype of {@link
 * IllegalArgumentException}: the model, not the chain, is what the caller must change.
 */
public final class LimbRoundingNotOnChainException extends IllegalArgumentException {
  private final String layer;

  public LimbRoundingNotOnChainException(String layer) {
    super(
        "layer "
            + layer
            + ": limb roundings are not verified on chain yet (prove and verify this model off"
            + " chain)");
    this.layer = layer;
  }

  /** The limb rounding's layer name. */
  public String layer() {
    return layer;
  }
}
