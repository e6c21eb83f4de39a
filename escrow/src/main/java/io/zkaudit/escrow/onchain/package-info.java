/**
 * The Java side of zkaudit's on-chain proof verification (escrow/src/main/solidity-verifier): the
 * encodings the contracts read, their typed rejection reasons, and a client that checks a proof in
 * one call or in several transactions and reports the gas.
 *
 * <p>The contracts make the same decisions as the Java verifier on the same bytes; the differential
 * tests in this module hold them to it (docs/onchain-verifier.md).
 */
package io.zkaudit.escrow.onchain;
