-- Trustless retrieval: the seller's committed item sets, buyers' queries, and per-item proofs.

-- item_set_id = SHA-256 of the seller's signed statement (name, count, values per item, Merkle root).
CREATE TABLE item_sets (
  item_set_id       BYTEA          PRIMARY KEY,
  name              VARCHAR(200)   NOT NULL,
  item_count        INT            NOT NULL,
  values_per_item   INT            NOT NULL,
  merkle_root       BYTEA          NOT NULL,
  seller_signature  BYTEA          NOT NULL,
  seller_key        BYTEA          NOT NULL,
  committed_at      BIGINT         NOT NULL
);

-- The items in commitment order; tensor_hash = ModelVerifier.inputHash(tensor).
CREATE TABLE items (
  item_set_id  BYTEA          NOT NULL REFERENCES item_sets(item_set_id),
  position     INT            NOT NULL,
  name         VARCHAR(200)   NOT NULL,
  tensor       ${blob}        NOT NULL,
  tensor_hash  BYTEA          NOT NULL,
  PRIMARY KEY (item_set_id, position)
);

-- A buyer's signed query. Stored before any proving so that a restarted seller resumes it.
CREATE TABLE retrieval_queries (
  query_id          VARCHAR(64)    PRIMARY KEY,
  buyer             BYTEA          NOT NULL,
  item_set_id       BYTEA          NOT NULL REFERENCES item_sets(item_set_id),
  model_id          BYTEA          NOT NULL REFERENCES models(model_id),
  request           ${blob}        NOT NULL,  -- the QueryRequest as received (its signature checked)
  requested_at      BIGINT         NOT NULL,
  status            VARCHAR(16)    NOT NULL,  -- OPEN, DONE
  done_at           BIGINT
);
CREATE INDEX retrieval_queries_by_buyer ON retrieval_queries(buyer, requested_at);

-- One proof per (model, item): it depends on nothing else, so every query of that model over that
-- set reuses it, and a query cut short keeps the proofs already made.
CREATE TABLE item_proofs (
  model_id     BYTEA          NOT NULL REFERENCES models(model_id),
  item_set_id  BYTEA          NOT NULL,
  position     INT            NOT NULL,
  output       ${blob}        NOT NULL,
  proof        ${blob}        NOT NULL,
  PRIMARY KEY (model_id, item_set_id, position),
  FOREIGN KEY (item_set_id, position) REFERENCES items(item_set_id, position)
);
