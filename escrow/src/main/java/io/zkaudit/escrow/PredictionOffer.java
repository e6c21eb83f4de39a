package io.zkaudit.escrow;

import java.math.BigInteger;

/** A seller's terms for predictions of one model: price per prediction, stake locked per order. */
public record PredictionOffer(BigInteger pricePerPrediction, BigInteger stakePerOrder) {
  public BigInteger priceOf(int predictions) {
    return pricePerPrediction.multiply(BigInteger.valueOf(predictions));
  }
}
