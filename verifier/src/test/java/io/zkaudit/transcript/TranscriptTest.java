package io.zkaudit.transcript;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.field.Goldilocks;
import io.zkaudit.hash.Sha256;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class TranscriptTest {

  @Test
  void sha256KnownAnswer() {
    assertEquals(
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        HexFormat.of().formatHex(Sha256.hash("abc".getBytes())));
  }

  @Test
  void deterministicAndBindingEveryInput() {
    long base = run("d", "l", new long[] {1, 2}, "c");
    assertEquals(base, run("d", "l", new long[] {1, 2}, "c"));
    assertNotEquals(base, run("e", "l", new long[] {1, 2}, "c")); // domain
    assertNotEquals(base, run("d", "m", new long[] {1, 2}, "c")); // message label
    assertNotEquals(base, run("d", "l", new long[] {1, 3}, "c")); // message
    assertNotEquals(base, run("d", "l", new long[] {1, 2, 0}, "c")); // length
    assertNotEquals(base, run("d", "l", new long[] {1, 2}, "x")); // challenge label
  }

  @Test
  void successiveChallengesDifferAndAreCanonical() {
    Transcript t = new Transcript("test");
    long a = t.challengeField("a");
    long b = t.challengeField("a");
    assertNotEquals(a, b);
    for (long v : t.challengeFields("many", 1000)) {
      assertTrue(Goldilocks.isCanonical(v));
    }
    int[] idx = t.challengeIndices("q", 100, 64);
    for (int i : idx) {
      assertTrue(i >= 0 && i < 64);
    }
  }

  private static long run(String domain, String label, long[] msg, String challenge) {
    Transcript t = new Transcript(domain);
    t.absorbField(label, msg);
    return t.challengeField(challenge);
  }
}
