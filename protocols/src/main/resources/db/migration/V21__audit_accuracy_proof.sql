-- Accuracy audits proven by one accuracy proof (issue 16; docs/protocols.md, "Accuracy audits"):
-- how the buyer asked the audit to be proven (the commitment's proof_kind, signed), and the one
-- proof of an ACCURACY_PROOF audit with the count it states. Audits stored before this migration
-- were proven per sample. The proof row is written with the state PROVEN in one transaction, so a
-- seller restarted while proving finds the audit PROVING without a proof and proves it again.

ALTER TABLE audits ADD COLUMN proof_kind VARCHAR(20) DEFAULT 'PER_SAMPLE_PROOFS' NOT NULL;

CREATE TABLE audit_accuracy_proofs (
  audit_id   VARCHAR(64)  PRIMARY KEY REFERENCES audits(audit_id),
  correct    INT          NOT NULL,
  samples    INT          NOT NULL,
  proof      ${blob}      NOT NULL,
  proven_at  BIGINT       NOT NULL
);
