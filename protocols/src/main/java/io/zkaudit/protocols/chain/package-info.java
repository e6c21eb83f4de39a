/**
 * The parties' on-chain side: keys that are both protocol identities and Ethereum accounts, the
 * buyer's payments and contests, the deployment file, and the designated attester that disputes end
 * at until the on-chain verifier checks whole proofs (issue 15; docs/escrow.md says what it is
 * trusted for).
 */
package io.zkaudit.protocols.chain;
