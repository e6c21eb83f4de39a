package io.zkaudit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * commit --rotate and verify-link as a user runs them (ResNet-8): two rotations in a row, each link
 * verifying for its own pair of keys only; a tampered link exits 1; rotating a key made under
 * another hiding key, or without a readable key, exits 2 with one line and no stack trace.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RotationCommandsTest {
  @TempDir static Path tmp;
  Path model;
  Path vk0;
  Path vk1;
  Path vk2;
  String savedKey;

  /** ProofCommandsTest's runner: these commands print to System.out, which it captures. */
  static ProofCommandsTest.Run run(String... args) {
    return ProofCommandsTest.run(args);
  }

  @BeforeAll
  void commitAndRotateTwice() {
    savedKey = System.getProperty(HidingKeys.PROPERTY);
    System.setProperty(HidingKeys.PROPERTY, tmp.resolve("hiding.key").toString());
    model = CliRuns.shared("models/resnet8_cifar10_int8.tflite");
    vk0 = tmp.resolve("r8.vk");
    vk1 = tmp.resolve("r8-1.vk");
    vk2 = tmp.resolve("r8-2.vk");
    ProofCommandsTest.Run c = run("commit", "--model", model.toString(), "--out", vk0.toString());
    assertEquals(0, c.code(), c.err());
    ProofCommandsTest.Run r1 =
        run(
            "commit",
            "--model",
            model.toString(),
            "--rotate",
            vk0.toString(),
            "--out",
            vk1.toString());
    assertEquals(0, r1.code(), r1.out() + r1.err());
    assertTrue(r1.out().contains("generation 0 -> 1"), r1.out());
    assertTrue(Files.exists(tmp.resolve("r8-1.vk.link")));
    ProofCommandsTest.Run r2 =
        run(
            "commit",
            "--model",
            model.toString(),
            "--rotate",
            vk1.toString(),
            "--out",
            vk2.toString());
    assertEquals(0, r2.code(), r2.out() + r2.err());
    assertTrue(
        r2.out().contains("generation 1 -> 2"),
        "the generation is read from r8-1.vk.link: " + r2.out());
  }

  @AfterAll
  void restoreKey() {
    if (savedKey == null) {
      System.clearProperty(HidingKeys.PROPERTY);
    } else {
      System.setProperty(HidingKeys.PROPERTY, savedKey);
    }
  }

  @Test
  void eachLinkVerifiesForItsOwnKeys() {
    ProofCommandsTest.Run v1 = run("verify-link", "--old", vk0.toString(), "--new", vk1.toString());
    assertEquals(0, v1.code(), v1.out() + v1.err());
    assertTrue(v1.out().startsWith("valid rotation link"), v1.out());
    ProofCommandsTest.Run v2 = run("verify-link", "--old", vk1.toString(), "--new", vk2.toString());
    assertEquals(0, v2.code(), v2.out() + v2.err());
    ProofCommandsTest.Run skipped =
        run("verify-link", "--old", vk0.toString(), "--new", vk2.toString());
    assertEquals(1, skipped.code(), "r8-2.vk.link links r8-1, not r8: " + skipped.out());
    assertTrue(skipped.out().startsWith("invalid rotation link: "), skipped.out());
    ProofCommandsTest.Run replayed =
        run(
            "verify-link",
            "--old",
            vk0.toString(),
            "--new",
            vk2.toString(),
            "--link",
            tmp.resolve("r8-1.vk.link").toString());
    assertEquals(1, replayed.code(), replayed.out());
    ProofCommandsTest.Run backwards =
        run(
            "verify-link",
            "--old",
            vk1.toString(),
            "--new",
            vk0.toString(),
            "--link",
            tmp.resolve("r8-1.vk.link").toString());
    assertEquals(1, backwards.code(), backwards.out());
  }

  @Test
  void aTamperedLinkExitsOne() throws Exception {
    byte[] link = Files.readAllBytes(tmp.resolve("r8-1.vk.link"));
    for (int at : new int[] {100, link.length / 2, link.length - 10}) {
      byte[] bad = link.clone();
      bad[at] ^= 0x40;
      Path f = tmp.resolve("bad-" + at + ".link");
      Files.write(f, bad);
      ProofCommandsTest.Run v =
          run(
              "verify-link",
              "--old",
              vk0.toString(),
              "--new",
              vk1.toString(),
              "--link",
              f.toString());
      assertEquals(1, v.code(), "byte " + at + ": " + v.out() + v.err());
      assertTrue(v.out().startsWith("invalid rotation link: "), v.out());
    }
  }

  @Test
  void rotatingAnotherOwnersKeyOrAMissingKeyIsAUsageError() throws Exception {
    String key = System.getProperty(HidingKeys.PROPERTY);
    ProofCommandsTest.Run other;
    try {
      System.setProperty(HidingKeys.PROPERTY, tmp.resolve("other-hiding.key").toString());
      other =
          run(
              "commit",
              "--model",
              model.toString(),
              "--rotate",
              vk0.toString(),
              "--out",
              tmp.resolve("stolen.vk").toString());
    } finally {
      System.setProperty(HidingKeys.PROPERTY, key);
    }
    assertEquals(2, other.code(), other.out() + other.err());
    assertTrue(other.err().contains("only its owner can rotate it"), other.err());
    assertFalse(Files.exists(tmp.resolve("stolen.vk")));
    ProofCommandsTest.Run missing =
        run("verify-link", "--old", tmp.resolve("nope.vk").toString(), "--new", vk1.toString());
    assertEquals(2, missing.code());
    for (ProofCommandsTest.Run r : new ProofCommandsTest.Run[] {other, missing}) {
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertFalse(r.err().contains("Exception"), r.err());
    }
  }
}
