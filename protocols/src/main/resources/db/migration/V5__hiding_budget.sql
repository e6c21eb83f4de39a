-- Zero-knowledge proofs made per model: each reveals a few hundred entries of the fixed weight
-- commitment, which hides the weights for a bounded number of proofs (docs/zero-knowledge.md,
-- "The fixed commitment's budget"). The seller counts them to know when to commit again.
CREATE TABLE proof_counts (
  model_id  BYTEA          PRIMARY KEY REFERENCES models(model_id),
  proofs    BIGINT         NOT NULL
);
