package io.zkaudit.protocols;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.zkaudit.proto.v1.AnswerStatement;
import io.zkaudit.proto.v1.Signature;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** secp256k1 signatures: deterministic, bound to key and message, one valid encoding each. */
class PartyKeyTest {
  private static final byte[] MESSAGE = "zkaudit".getBytes(StandardCharsets.UTF_8);
  private static final BigInteger N =
      new BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16);

  @Test
  void signaturesVerifyForTheirKeyAndMessageOnly() {
    PartyKey k = PartyKey.generate();
    Signature s = k.sign(MESSAGE);
    assertTrue(PartyKey.verify(s, MESSAGE));
    assertEquals(s, k.sign(MESSAGE), "RFC 6979: the same message, the same signature");
    assertFalse(PartyKey.verify(s, "zkaudiT".getBytes(StandardCharsets.UTF_8)));
    assertFalse(
        PartyKey.verify(
            s.toBuilder().setPublicKey(PartyKey.generate().publicKeyBytes()).build(), MESSAGE));
    assertFalse(
        PartyKey.verify(s.toBuilder().setRs(ByteString.copyFrom(new byte[64])).build(), MESSAGE));
    assertFalse(
        PartyKey.verify(
            s.toBuilder().setPublicKey(ByteString.copyFrom(new byte[33])).build(), MESSAGE));
  }

  @Test
  void theHighSTwinOfASignatureIsRefused() {
    PartyKey k = PartyKey.generate();
    byte[] rs = k.sign(MESSAGE).getRs().toByteArray();
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(rs, 32, 64));
    byte[] high = N.subtract(s).toByteArray();
    byte[] twin = rs.clone();
    Arrays.fill(twin, 32, 64, (byte) 0);
    int n = Math.min(high.length, 32);
    System.arraycopy(high, high.length - n, twin, 64 - n, n);
    Signature malleated =
        Signature.newBuilder()
            .setPublicKey(k.publicKeyBytes())
            .setRs(ByteString.copyFrom(twin))
            .build();
    assertFalse(PartyKey.verify(malleated, MESSAGE));
  }

  @Test
  void keysRoundTripThroughHexAndRejectBadOnes() {
    PartyKey k = PartyKey.generate();
    PartyKey back = PartyKey.fromHex(k.privateHex());
    assertArrayEquals(k.publicKey(), back.publicKey());
    assertEquals(33, k.publicKey().length);
    assertThrows(IllegalArgumentException.class, () -> PartyKey.fromHex("00".repeat(32)));
    assertThrows(IllegalArgumentException.class, () -> PartyKey.fromHex(N.toString(16)));
    assertThrows(IllegalArgumentException.class, () -> PartyKey.fromHex("abc"));
  }

  @Test
  void statementsOfDifferentKindsOrFieldsDiffer() {
    AnswerStatement a = AnswerStatement.newBuilder().setAnswerId("a").setCreatedAtMillis(1).build();
    assertFalse(
        Arrays.equals(
            Statements.answer(a), Statements.answer(a.toBuilder().setCreatedAtMillis(2).build())));
    // Length prefixes: moving a byte from one field to the next changes the statement.
    AnswerStatement b = a.toBuilder().setAnswerId("ab").build();
    AnswerStatement c =
        a.toBuilder().setAnswerId("a").setModelId(ByteString.copyFromUtf8("b")).build();
    assertFalse(Arrays.equals(Statements.answer(b), Statements.answer(c)));
  }
}
