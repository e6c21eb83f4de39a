-- The seller's state: what it committed to, what it answered, and what it was asked to prove.
--
-- Every migration runs on H2 and on PostgreSQL: BYTEA for short byte strings (keys, hashes,
-- signatures; H2 reads it as VARBINARY), DOUBLE PRECISION, and the placeholder blob for large
-- values (keys, tensors, proofs), which SellerSchema sets to BLOB on H2 (stored apart from the
-- row) and to BYTEA on PostgreSQL, which has no BLOB type.

-- Registered models; model_id = SHA-256 of the verifying key, so a row can never change meaning.
CREATE TABLE models (
  model_id            BYTEA          PRIMARY KEY,
  name                VARCHAR(200)   NOT NULL,
  description_digest  BYTEA          NOT NULL,
  verifying_key       ${blob}        NOT NULL,
  seller_signature    BYTEA          NOT NULL,
  seller_key          BYTEA          NOT NULL,
  registered_at       BIGINT         NOT NULL
);

CREATE TABLE model_metrics (
  model_id   BYTEA         NOT NULL REFERENCES models(model_id),
  position   INT           NOT NULL,
  name       VARCHAR(100)  NOT NULL,
  metric     DOUBLE PRECISION NOT NULL,
  dataset    VARCHAR(200)  NOT NULL,
  PRIMARY KEY (model_id, position)
);

-- Every answer, signed; the input is kept so that a contested answer can be proven later.
CREATE TABLE answers (
  answer_id         VARCHAR(36)    PRIMARY KEY,
  model_id          BYTEA          NOT NULL REFERENCES models(model_id),
  buyer             BYTEA          NOT NULL,
  input             ${blob}        NOT NULL,
  input_hash        BYTEA          NOT NULL,
  output            ${blob}        NOT NULL,
  output_hash       BYTEA          NOT NULL,
  seller_signature  BYTEA          NOT NULL,
  proof             ${blob},
  created_at        BIGINT         NOT NULL
);
CREATE INDEX answers_by_buyer ON answers(buyer, created_at);

-- A buyer's contest of some of its answers: the seller must prove each before the deadline.
CREATE TABLE contests (
  contest_id    VARCHAR(64)    PRIMARY KEY,
  buyer         BYTEA          NOT NULL,
  requested_at  BIGINT         NOT NULL,
  deadline      BIGINT         NOT NULL,
  status        VARCHAR(16)    NOT NULL,  -- OPEN, PROVEN, LATE
  proven_at     BIGINT,
  buyer_signature BYTEA         NOT NULL
);

CREATE TABLE contest_answers (
  contest_id  VARCHAR(64) NOT NULL REFERENCES contests(contest_id),
  position    INT         NOT NULL,
  answer_id   VARCHAR(36) NOT NULL REFERENCES answers(answer_id),
  PRIMARY KEY (contest_id, position)
);
