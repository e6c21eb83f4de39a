package io.zkaudit.prover.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zkaudit.codec.ByteWriter;
import io.zkaudit.transcript.Transcript;
import io.zkaudit.zk.ZkRandom;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The prover's memory cuts (docs/benchmarks.md, "Batch proof memory") change where values are held,
 * never a proof byte: fixed-seed logUp proofs, plain and blinded, hash to the digest the prover
 * gave before the cuts. A change of this digest is a change of the proof format or of the protocol,
 * not of the prover's memory.
 */
class LogUpProofBytesTest {
  /** SHA-256 of 40 fixed-seed proofs (20 plain, 20 blinded), as proven before the memory cuts. */
  private static final String DIGEST =
      "083ac4301262e10894650a3dc9a5476d4477e4d012a8d5191425bde329e19ebf";

  @Test
  void fixedSeedProofsKeepTheirBytes() throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (int s = 0; s < 20; s++) {
      LogUpTest.Case plain = LogUpTest.randomCase(new Random(9000 + s), 10);
      LogUpTest.Case blinded = BlindedLogUpTest.blind(plain, ZkRandom.seeded(9100 + s));
      for (LogUpTest.Case c : new LogUpTest.Case[] {plain, blinded}) {
        ByteWriter w = new ByteWriter();
        LogUpProver.prove(c.statement(), c.witnesses(), new Transcript("bytes")).proof().encode(w);
        sha.update(w.toByteArray());
      }
    }
    assertEquals(DIGEST, HexFormat.of().formatHex(sha.digest()));
  }
}
