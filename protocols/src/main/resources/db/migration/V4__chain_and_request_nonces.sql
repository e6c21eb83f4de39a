-- The seller's on-chain mirror and the buyers' request nonces (escrow wiring, signed predict requests).

-- Where each model is registered on-chain: one row per registry contract, since a seller may be
-- pointed at another deployment (another chain) later and must register there again.
CREATE TABLE chain_models (
  registry     VARCHAR(42)    NOT NULL,
  model_id     BYTEA          NOT NULL REFERENCES models(model_id),
  chain_model  BIGINT         NOT NULL,
  PRIMARY KEY (registry, model_id)
);

-- Answers given for an on-chain order, with the seller's EIP-712 signature, so that a contest seen
-- on-chain (order, input hash, output hash) finds the answer to prove.
CREATE TABLE chain_answers (
  answer_id        VARCHAR(36)   PRIMARY KEY REFERENCES answers(answer_id),
  escrow           VARCHAR(42)   NOT NULL,
  order_id         BIGINT        NOT NULL,
  chain_signature  BYTEA         NOT NULL
);
CREATE INDEX chain_answers_by_order ON chain_answers(escrow, order_id);

-- Nonces of signed predict requests seen within the replay window; older ones are pruned, since a
-- request that old is refused by its time anyway.
CREATE TABLE request_nonces (
  buyer         BYTEA          NOT NULL,
  nonce         VARCHAR(64)    NOT NULL,
  requested_at  BIGINT         NOT NULL,
  PRIMARY KEY (buyer, nonce)
);
CREATE INDEX request_nonces_by_time ON request_nonces(requested_at);
