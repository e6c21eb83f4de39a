/**
 * The buyer's side of the four protocols: a client that trusts nothing the seller says (registry
 * entries, signatures, every proof verified against the registered verifying key and the buyer's
 * own input), verified prediction and contest, the accuracy audit (commit, reveal, verify, result,
 * settlement on or off chain) with its crash-safe state files, and trustless retrieval. Every
 * failure is a {@link io.zkaudit.protocols.buyer.BuyerException}; docs/protocols.md.
 */
package io.zkaudit.protocols.buyer;
