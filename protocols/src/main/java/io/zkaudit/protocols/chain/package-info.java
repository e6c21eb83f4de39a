/**
 * The parties' on-chain side: keys that are both protocol identities and Ethereum accounts, the
 * buyer's payments and contests, the deployment file, and how a contested answer is proven, as the
 * deployment's escrows verify it ({@link io.zkaudit.protocols.chain.ContestProofs}): through the
 * designated attester (the default; docs/escrow.md says what it is trusted for), or by the seller's
 * own plain proof verified by the on-chain verifier contracts ({@link
 * io.zkaudit.protocols.chain.OnChainProofs}, issue 15), which trusts no attester but makes the
 * proof's intermediate values public.
 */
package io.zkaudit.protocols.chain;
