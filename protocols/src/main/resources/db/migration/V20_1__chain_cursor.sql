-- Where the seller's watch of an escrow's contests got to (issue 20): the first block whose
-- Contested events (eth_getLogs) it has not settled yet, so that a restarted seller follows the
-- chain from there instead of reading every contest ever opened. Versioned 20.1 after the issue.
CREATE TABLE chain_cursors (
  escrow      VARCHAR(42)  PRIMARY KEY,
  next_block  BIGINT       NOT NULL
);
