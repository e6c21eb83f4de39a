-- The seller's state: what it committed to, what it answered, and what it was asked to prove.

-- Registered models; model_id = SHA-256 of the verifying key, so a row can never change meaning.
CREATE TABLE models (
  model_id            VARBINARY(32)  PRIMARY KEY,
  name                VARCHAR(200)   NOT NULL,
  description_digest  VARBINARY(32)  NOT NULL,
  verifying_key       BLOB           NOT NULL,
  seller_signature    VARBINARY(64)  NOT NULL,
  seller_key          VARBINARY(33)  NOT NULL,
  registered_at       BIGINT         NOT NULL
);

CREATE TABLE model_metrics (
  model_id   VARBINARY(32) NOT NULL REFERENCES models(model_id),
  position   INT           NOT NULL,
  name       VARCHAR(100)  NOT NULL,
  metric     DOUBLE        NOT NULL,
  dataset    VARCHAR(200)  NOT NULL,
  PRIMARY KEY (model_id, position)
);

-- Every answer, signed; the input is kept so that a contested answer can be proven later.
CREATE TABLE answers (
  answer_id         VARCHAR(36)    PRIMARY KEY,
  model_id          VARBINARY(32)  NOT NULL REFERENCES models(model_id),
  buyer             VARBINARY(33)  NOT NULL,
  input             BLOB           NOT NULL,
  input_hash        VARBINARY(32)  NOT NULL,
  output            BLOB           NOT NULL,
  output_hash       VARBINARY(32)  NOT NULL,
  seller_signature  VARBINARY(64)  NOT NULL,
  proof             BLOB,
  created_at        BIGINT         NOT NULL
);
CREATE INDEX answers_by_buyer ON answers(buyer, created_at);

-- A buyer's contest of some of its answers: the seller must prove each before the deadline.
CREATE TABLE contests (
  contest_id    VARCHAR(64)    PRIMARY KEY,
  buyer         VARBINARY(33)  NOT NULL,
  requested_at  BIGINT         NOT NULL,
  deadline      BIGINT         NOT NULL,
  status        VARCHAR(16)    NOT NULL,  -- OPEN, PROVEN, LATE
  proven_at     BIGINT,
  buyer_signature VARBINARY(64) NOT NULL
);

CREATE TABLE contest_answers (
  contest_id  VARCHAR(64) NOT NULL REFERENCES contests(contest_id),
  position    INT         NOT NULL,
  answer_id   VARCHAR(36) NOT NULL REFERENCES answers(answer_id),
  PRIMARY KEY (contest_id, position)
);
