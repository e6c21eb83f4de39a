-- Accuracy-proof audits on the buyer's test-set commitment T (issue 16; docs/protocols.md,
-- "Accuracy audits"): T's encoding as the buyer committed it (its digest is the audit's
-- test_set_hash), and, once the reveal is complete, either the seed that opens T with the revealed
-- samples (what the seller rebuilds T's columns from to prove, again after a restart) or why the
-- reveal was refused (it does not open T; the audit is REVEAL_REFUSED). The completing batch of
-- samples, the seed or refusal and the audit's state are written in one transaction. Per-sample
-- audits have no row here.

CREATE TABLE audit_test_sets (
  audit_id    VARCHAR(64)    PRIMARY KEY REFERENCES audits(audit_id),
  commitment  BYTEA          NOT NULL,
  seed        BYTEA,
  refusal     VARCHAR(1000)
);
