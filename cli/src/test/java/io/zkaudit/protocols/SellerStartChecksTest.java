package io.zkaudit.protocols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.proto.v1.SignedAnswer;
import io.zkaudit.protocols.buyer.RegisteredModel;
import io.zkaudit.protocols.seller.AnswerProver;
import io.zkaudit.protocols.seller.SellerStore;
import io.zkaudit.protocols.seller.StoreException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What `zkaudit seller serve` refuses at start, with a clear message and exit code 2 (never a stack
 * trace): a database that lost committed state, and a key that is not the database's. Before these
 * checks the seller started silently on older state, or served with a new key.
 */
class SellerStartChecksTest {
  @TempDir Path tmp;

  private Path keyFile(PartyKey key) throws Exception {
    Path f = tmp.resolve("keys").resolve("seller.key");
    Files.createDirectories(f.getParent());
    Files.writeString(f, key.privateHex() + "\n");
    return f;
  }

  private List<String> serve(String url, Path key) {
    return List.of(
        "--model",
        SellerProcess.model().toString(),
        "--port",
        "0",
        "--db",
        url,
        "--key",
        key.toString());
  }

  /** Answers acknowledged by a seller on this database (started, asked, stopped). */
  private static List<SignedAnswer> answers(PartyKey seller, String url, int n, int seed)
      throws Exception {
    List<SignedAnswer> out = new ArrayList<>();
    try (SellerFixture f =
        SellerFixture.start(seller, url, AnswerProver.HONEST, PartyKey.generate(), c -> c)) {
      RegisteredModel m = f.buyer.models().get(0);
      for (int i = 0; i < n; i++) {
        out.add(f.buyer.predictSigned(m, Resnet8.input(seed + i)));
      }
    }
    return out;
  }

  private static void assertClearRefusal(SellerProcess.Ended e, String says) {
    assertEquals(2, e.code(), e.output());
    assertTrue(e.output().contains(says), e.output());
    assertFalse(e.output().contains("Exception") || e.output().contains("\tat "), e.output());
  }

  @Test
  void aDatabaseRestoredFromAnOlderCopyIsRefused() throws Exception {
    PartyKey seller = PartyKey.generate();
    Path prefix = tmp.resolve("db").resolve("seller");
    String url = SellerStore.h2FileUrl(prefix);
    Path file = prefix.resolveSibling("seller.mv.db");
    answers(seller, url, 2, 0);
    Path old = tmp.resolve("seller.mv.db.old");
    Files.copy(file, old);
    answers(seller, url, 3, 10);
    // The file goes back to the older copy: the last three answers are gone from it.
    Files.copy(old, file, StandardCopyOption.REPLACE_EXISTING);
    assertClearRefusal(
        SellerProcess.refused(tmp, serve(url, keyFile(seller))), "lost committed writes");
    StoreException inProcess =
        org.junit.jupiter.api.Assertions.assertThrows(
            StoreException.class, () -> SellerStore.open(url).close());
    assertTrue(inProcess.getMessage().contains("acknowledged state"), inProcess.getMessage());
  }

  @Test
  void randomBytesOverTheEndOfTheDatabaseAreNotServedAsState() throws Exception {
    PartyKey seller = PartyKey.generate();
    Path prefix = tmp.resolve("db").resolve("seller");
    String url = SellerStore.h2FileUrl(prefix);
    Path file = prefix.resolveSibling("seller.mv.db");
    List<SignedAnswer> acknowledged = answers(seller, url, 4, 20);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      byte[] junk = new byte[(int) Math.min(32 << 10, f.length() / 2)];
      new Random(20).nextBytes(junk);
      f.seek(f.length() - junk.length);
      f.write(junk);
    }
    // Either the seller refuses to start, or it starts with every acknowledged answer: never
    // silently older.
    SellerProcess.Ended e = SellerProcess.refused(tmp, serve(url, keyFile(seller)));
    if (e.code() == -1) {
      try (SellerStore store = SellerStore.open(url)) {
        for (SignedAnswer a : acknowledged) {
          assertTrue(
              store.answer(a.getStatement().getAnswerId()).isPresent(),
              "started without an acknowledged answer");
        }
      }
    } else {
      assertEquals(2, e.code(), e.output());
      assertFalse(e.output().contains("\tat "), e.output());
    }
    System.out.println(
        "SellerStartChecksTest: random bytes over the end: "
            + (e.code() == -1
                ? "started, state intact"
                : "refused: "
                    + e.output()
                        .lines()
                        .filter(l -> l.startsWith("zkaudit:"))
                        .findFirst()
                        .orElse("")));
  }

  @ParameterizedTest
  @EnumSource(SellerDatabase.class)
  void aSellerStartedWithAnotherKeyIsRefused(SellerDatabase kind) throws Exception {
    PartyKey seller = PartyKey.generate();
    String url = kind.newUrl(tmp.resolve("db"), "seller");
    answers(seller, url, 1, 30);
    // Started from another directory, a relative --key is a new file: a new key is made, and
    // refused.
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    SellerProcess.Ended e =
        SellerProcess.refused(elsewhere, serve(url, Path.of("zkaudit-seller", "seller.key")));
    assertClearRefusal(
        e,
        "this database belongs to seller key "
            + java.util.HexFormat.of().formatHex(seller.publicKey()));
    // With its own key it starts.
    assertEquals(-1, SellerProcess.refused(tmp, serve(url, keyFile(seller))).code());
  }
}
