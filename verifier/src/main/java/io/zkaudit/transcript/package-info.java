/**
 * The Fiat–Shamir transcript: a SHA-256 chain absorbing every prover message, labelled, before the
 * challenges drawn from it; prover and verifier build the same one, so the order of absorbs is part
 * of each proof format.
 */
package io.zkaudit.transcript;
