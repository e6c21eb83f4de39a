-- Retrieval over private items: an item set committed for one model, whose Merkle leaves hold each
-- item's input commitment digest instead of its tensor hash, so that a non-matching item is proven
-- to a buyer without its tensor (docs/protocols.md, "Trustless retrieval").

-- NULL: a public item set; otherwise the model the items' input commitments are for.
ALTER TABLE item_sets ADD COLUMN private_for_model BYTEA         REFERENCES models(model_id);

-- Per item of a private set: its InputCommitment (encoded), that commitment's digest (the leaf's
-- hash), and the 16-byte seed its randomness was derived from under the seller's hiding key. The
-- seed lets the seller prove without the hiding key and is revealed to a buyer only with the item
-- itself (a match); it is as secret as the tensor stored beside it.
CREATE TABLE item_commitments (
  item_set_id        BYTEA          NOT NULL,
  position           INT            NOT NULL,
  input_commitment   ${blob}        NOT NULL,
  commitment_digest  BYTEA          NOT NULL,
  input_seed         BYTEA          NOT NULL,
  PRIMARY KEY (item_set_id, position),
  FOREIGN KEY (item_set_id, position) REFERENCES items(item_set_id, position)
);
