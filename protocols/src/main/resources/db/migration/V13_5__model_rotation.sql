-- Commitment rotation (issue 13 part 5, docs/zero-knowledge.md "Rotation"): a model key rotated
-- from an older key of the same weights, with the zero-knowledge link that proves it, and the
-- rotation generation (the label of the new key's hiding randomness, so that a restarted seller
-- recommits to the same key from its hiding key). Versioned 13.5 after the issue, so it cannot
-- collide with another feature's V7; the store migrates out of order.
CREATE TABLE model_lineage (
  model_id       BYTEA          PRIMARY KEY REFERENCES models(model_id),
  rotated_from   BYTEA          NOT NULL UNIQUE REFERENCES models(model_id),
  rotation_link  ${blob}        NOT NULL,
  generation     INT            NOT NULL
);
