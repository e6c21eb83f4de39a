package io.zkaudit.prover.inference;

/**
 * The prover's one error type: the statement cannot be proven (an unsupported layer, an input of
 * the wrong shape, an accumulator outside the provable range). Never thrown for a bug-free proof of
 * a supported model.
 */
public final class ProverException extends RuntimeException {
  public ProverException(String message) {
    super(message);
  }
}
