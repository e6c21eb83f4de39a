-- Start-time checks (issue 20): the seller key a database belongs to, and a state counter.

-- The seller's public key, recorded at the first start: a seller started with another key (a new
-- one made because the key path was wrong) would sign answers no buyer accepts, so it is refused.
CREATE TABLE seller_identity (
  id          INT            PRIMARY KEY CHECK (id = 1),
  public_key  BYTEA          NOT NULL,
  recorded_at BIGINT         NOT NULL
);

-- Raised by every committed write transaction; a copy is kept beside the database file
-- (<db>.state), so that a database that lost committed state is refused at start, not served.
CREATE TABLE state_sequence (
  id   INT     PRIMARY KEY CHECK (id = 1),
  seq  BIGINT  NOT NULL
);
INSERT INTO state_sequence (id, seq) VALUES (1, 0);
