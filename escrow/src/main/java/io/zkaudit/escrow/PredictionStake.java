package io.zkaudit.escrow;

import java.math.BigInteger;

/** A model's stake in the prediction escrow: free (withdrawable) and locked by open orders. */
public record PredictionStake(BigInteger free, BigInteger locked) {}
