-- Accuracy audits with money in AuditEscrow (issue 16; docs/protocols.md, "Accuracy audits
-- on-chain"): the escrow and the buyer's request id an audit accepts, the salt of the buyer's
-- on-chain test-set commitment (checked before the seller stakes), both parties' EIP-712 result
-- signatures (what AuditEscrow.settle takes), and how the escrow settled it. Null for an audit
-- settled by signatures alone. A restarted seller finds here every on-chain audit it has not seen
-- settled, and carries each on (settle, settle with proof, or apply the deadline rules).

ALTER TABLE audits ADD COLUMN chain_escrow VARCHAR(42);
ALTER TABLE audits ADD COLUMN chain_audit_id BIGINT;
ALTER TABLE audits ADD COLUMN chain_salt BYTEA;
ALTER TABLE audits ADD COLUMN chain_buyer_sig BYTEA;
ALTER TABLE audits ADD COLUMN chain_seller_sig BYTEA;
ALTER TABLE audits ADD COLUMN chain_outcome VARCHAR(20);
-- One off-chain audit per on-chain request: a request cannot be staked on twice.
CREATE UNIQUE INDEX audits_by_chain_audit ON audits(chain_escrow, chain_audit_id);
