-- Accuracy audits (docs/protocols.md, "Accuracy audits"): one row per audit holding its state,
-- the buyer's signed commitment, the seller's signed terms and the signed result; one row per
-- committed sample, filled in as the buyer reveals it and the seller proves it. Every step is
-- written before it is answered, so a seller restarted at any step carries on from the rows.

CREATE TABLE audits (
  audit_id            VARCHAR(64)    PRIMARY KEY,
  model_id            BYTEA          NOT NULL REFERENCES models(model_id),
  buyer               BYTEA          NOT NULL,
  -- COMMITTED, TERMS_SIGNED, REVEALING, REVEALED, PROVING, PROVEN, SETTLED, FAILED
  status              VARCHAR(16)    NOT NULL,
  sample_count        INT            NOT NULL,
  test_set_hash       BYTEA          NOT NULL,
  label_offset        INT            NOT NULL,
  requested_at        BIGINT         NOT NULL,
  buyer_signature     BYTEA          NOT NULL,
  -- The terms, once signed (TERMS_SIGNED onwards).
  claimed_accuracy    DOUBLE PRECISION,
  stake               BIGINT,
  deadline            BIGINT,
  terms_signed_at     BIGINT,
  seller_signature    BYTEA,
  -- The result, once settled (SETTLED or FAILED): the ResultStatement's fields and signatures.
  result_verified     INT,
  result_correct      INT,
  result_verdict      VARCHAR(16),
  result_reason       VARCHAR(500),
  result_buyer_sig    BYTEA,
  result_seller_sig   BYTEA,
  settled_at          BIGINT
);
CREATE INDEX audits_by_buyer ON audits(buyer, requested_at);

CREATE TABLE audit_samples (
  audit_id     VARCHAR(64)    NOT NULL REFERENCES audits(audit_id),
  position     INT            NOT NULL,
  sample_hash  BYTEA          NOT NULL,
  -- Revealed by the buyer (null until then), checked against sample_hash.
  salt         BYTEA,
  input        ${blob},
  label        INT,
  -- Proven by the seller (null until then).
  output       ${blob},
  proof        ${blob},
  proven_at    BIGINT,
  PRIMARY KEY (audit_id, position)
);
