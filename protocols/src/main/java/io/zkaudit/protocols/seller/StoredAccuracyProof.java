package io.zkaudit.protocols.seller;

/**
 * An accuracy-proof audit's one proof as the seller stores it: the count it states of {@code
 * samples}, the encoded proof (ModelProof.encode()) and when it was made (checked against the
 * terms' deadline, as a per-sample proof's time is).
 */
public record StoredAccuracyProof(int correct, int samples, byte[] proof, long provenAt) {}
