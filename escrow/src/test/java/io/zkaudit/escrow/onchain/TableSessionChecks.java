package io.zkaudit.escrow.onchain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.data.InputEncoder;
import io.zkaudit.data.Mnist;
import io.zkaudit.data.PixelRange;
import io.zkaudit.data.Sample;
import io.zkaudit.data.SharedData;
import io.zkaudit.escrow.chain.ChainNode;
import io.zkaudit.field.Ext2;
import io.zkaudit.floatmodel.FloatModel;
import io.zkaudit.hash.Digest32;
import io.zkaudit.layers.ModelCircuit;
import io.zkaudit.quantizer.Quantizer;
import io.zkaudit.tflite.TfliteImporter;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.methods.response.VoidResponse;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;

/**
 * The table step of a real session ({@code FinishSessionTest}'s plain MNIST CNN proof), after
 * {@code opened}: the model's table plan evaluated on chain at the deferred values' point
 * (RoundingTables, Java's values), {@code conclude} refused before {@code tables}, and relayers
 * that present other values or another table refused with a typed reason: a value +1, two columns'
 * values swapped, the items out of order, the plan of the same network quantized with other
 * multipliers and shifts (m, s), the plan of another model (MobileNet v2), and sessions whose
 * lookups were verified against wrong values (their {@code deferredTables} written with {@code
 * anvil_setStorageAt}, as if a cheating proof had passed the lookups with them): a value +1, the
 * other quantization's values. Then the honest step, which a replay cannot repeat.
 */
final class TableSessionChecks {
  private TableSessionChecks() {}

  private static final int STEP_VERIFIED = (1 << 30) + 2;
  private static final int STEP_TABLES = OnChainProofSession.STEP_TABLES;

  /** The honest step's outcome, the table evaluation's transactions, the plan's hash. */
  record Checked(
      OnChainProofSession.Outcome.Advanced step,
      OnChainRoundingTables.Evaluation evaluation,
      List<BigInteger> plan) {}

  static Checked check(
      ChainNode node,
      Credentials owner,
      OnChainProofSession session,
      String sessionAddress,
      Digest32 id,
      OnChainProofSession.Checkpoint opened,
      ModelCircuit circuit,
      byte[] lookupItems)
      throws Exception {
    OnChainRoundingTables tables = OnChainRoundingTables.deploy(node.web3j(), owner);
    assertTrue(tables.codeSize() <= 24_576, "EIP-170");
    session.bindTables(tables.address());
    byte[] items = TableEncoding.deferredItems(lookupItems);
    assertEquals(4 * 32 * (6 + 16), items.length, "four columns at a point of 16 coordinates");
    Ext2[] point = TableEncoding.pointOf(items);
    List<BigInteger> plan = TableEncoding.plan(circuit);

    // No verdict before the tables are checked.
    assertEquals(
        new OnChainProofSession.Outcome.Rejected(
            STEP_VERIFIED, OnChainProofSession.TablesReason.UNCHECKED.ordinal(), BigInteger.ZERO),
        session.conclude(id, opened));
    // Nothing evaluated yet: no fact to compare with.
    assertRejected(
        OnChainProofSession.TablesReason.NOT_EVALUATED,
        session.tables(id, opened, TableEncoding.planHash(plan), items));

    OnChainRoundingTables.Evaluation e = tables.evaluate(plan, point);
    assertArrayEquals(valuesOf(items), e.values(), "the chain's values are Java's");

    // Other values than the session's lookups took.
    assertRejected(
        OnChainProofSession.TablesReason.UNOPENED,
        session.tables(id, opened, e.planHash(), plusOne(items, 2)));
    assertRejected(
        OnChainProofSession.TablesReason.UNOPENED,
        session.tables(id, opened, e.planHash(), swappedValues(items, 2, 3)));
    assertRejected(
        OnChainProofSession.TablesReason.MALFORMED,
        session.tables(id, opened, e.planHash(), swappedItems(items, 2, 3)));
    assertRejected(
        OnChainProofSession.TablesReason.MALFORMED,
        session.tables(id, opened, e.planHash(), Arrays.copyOf(items, items.length - 32)));

    // Another table at the same point: the same network with other (m, s), another model.
    List<BigInteger> requantized = TableEncoding.plan(requantizedMnist());
    assertNotEquals(
        new Digest32(TableEncoding.planHash(plan)),
        new Digest32(TableEncoding.planHash(requantized)));
    OnChainRoundingTables.Evaluation other = tables.evaluate(requantized, point);
    assertFalse(Arrays.equals(e.values(), other.values()));
    assertRejected(
        OnChainProofSession.TablesReason.NOT_EVALUATED,
        session.tables(id, opened, other.planHash(), items));
    List<BigInteger> mobileNet =
        TableEncoding.plan(
            ModelCircuit.of(
                TfliteImporter.loadQuantized(
                        SharedData.resolve("models/mobilenet_v2_1.0_224_quant.tflite")
                            .orElseThrow())
                    .description(),
                false));
    OnChainRoundingTables.Evaluation mobile = tables.evaluate(mobileNet, point);
    assertRejected(
        OnChainProofSession.TablesReason.NOT_EVALUATED,
        session.tables(id, opened, mobile.planHash(), items));

    // Sessions whose lookups took wrong values: the model's table refuses them.
    byte[] honestChain = session.deferredTables(id).bytes();
    byte[] wrong = plusOne(items, 1);
    seedDeferredTables(node, sessionAddress, id, chain(wrong));
    assertRejected(
        OnChainProofSession.TablesReason.NOT_EVALUATED,
        session.tables(id, opened, e.planHash(), wrong));
    byte[] requantizedItems = withValues(items, other.values());
    seedDeferredTables(node, sessionAddress, id, chain(requantizedItems));
    assertRejected(
        OnChainProofSession.TablesReason.NOT_EVALUATED,
        session.tables(id, opened, e.planHash(), requantizedItems));
    seedDeferredTables(node, sessionAddress, id, honestChain);
    assertEquals(new Digest32(honestChain), session.deferredTables(id));

    // The honest step; a replay finds the tables checked.
    OnChainProofSession.Outcome.Advanced step =
        assertInstanceOf(
            OnChainProofSession.Outcome.Advanced.class,
            session.tables(id, opened, e.planHash(), items));
    assertEquals(opened, step.checkpoint(), "the step stores no checkpoint");
    assertTrue(session.tablesChecked(id));
    assertRejected(
        OnChainProofSession.TablesReason.UNOPENED, session.tables(id, opened, e.planHash(), items));
    return new Checked(step, e, plan);
  }

  private static void assertRejected(
      OnChainProofSession.TablesReason reason, OnChainProofSession.Outcome o) {
    OnChainProofSession.Outcome.Rejected r =
        assertInstanceOf(OnChainProofSession.Outcome.Rejected.class, o);
    assertEquals(STEP_TABLES, r.step());
    assertEquals(reason.ordinal(), r.reason(), () -> "detail " + r.detail());
  }

  /** The MNIST CNN quantized on 20 MNIST test images: other multipliers and shifts. */
  static ModelCircuit requantizedMnist() throws IOException {
    FloatModel f =
        TfliteImporter.loadFloat(SharedData.resolve("models/mnist_cnn_float.tflite").orElseThrow());
    List<Sample> samples = Mnist.testSet(SharedData.resolve("data/mnist").orElseThrow(), 21);
    InputEncoder enc = new InputEncoder(f.input().shape(), 1.0, PixelRange.UNIT);
    List<float[]> calibration = new ArrayList<>();
    for (int i = 1; i < samples.size(); i++) {
      calibration.add(enc.real(samples.get(i).image()));
    }
    return ModelCircuit.of(
        Quantizer.quantize(f, calibration, PixelRange.UNIT).description(), false);
  }

  private static int itemSize(byte[] items) {
    return items.length / 4;
  }

  private static Ext2[] valuesOf(byte[] items) {
    Ext2[] v = new Ext2[4];
    int size = itemSize(items);
    for (int c = 0; c < 4; c++) {
      BigInteger w =
          new BigInteger(1, Arrays.copyOfRange(items, (c + 1) * size - 32, (c + 1) * size));
      v[c] = new Ext2(w.longValue(), w.shiftRight(64).longValue());
    }
    return v;
  }

  private static byte[] withValues(byte[] items, Ext2[] values) {
    byte[] out = items.clone();
    int size = itemSize(items);
    for (int c = 0; c < 4; c++) {
      byte[] w = LogUpEncoding.word(TableEncoding.packed(values[c]));
      System.arraycopy(w, 0, out, (c + 1) * size - 32, 32);
    }
    return out;
  }

  private static byte[] plusOne(byte[] items, int column) {
    Ext2[] v = valuesOf(items);
    v[column] = v[column].add(Ext2.ONE);
    return withValues(items, v);
  }

  private static byte[] swappedValues(byte[] items, int a, int b) {
    Ext2[] v = valuesOf(items);
    Ext2 t = v[a];
    v[a] = v[b];
    v[b] = t;
    return withValues(items, v);
  }

  private static byte[] swappedItems(byte[] items, int a, int b) {
    byte[] out = items.clone();
    int size = itemSize(items);
    System.arraycopy(items, a * size, out, b * size, size);
    System.arraycopy(items, b * size, out, a * size, size);
    return out;
  }

  private static byte[] chain(byte[] items) {
    byte[] h = new byte[32];
    int size = itemSize(items);
    for (int c = 0; c < 4; c++) {
      byte[] joined = new byte[32 + size];
      System.arraycopy(h, 0, joined, 0, 32);
      System.arraycopy(items, c * size, joined, 32, size);
      h = Hash.sha3(joined);
    }
    return h;
  }

  /** deferredTables[id] (ProofSession's storage slot 4) := chain, as a cheating proof would set. */
  private static void seedDeferredTables(ChainNode node, String session, Digest32 id, byte[] chain)
      throws IOException {
    byte[] key = new byte[64];
    System.arraycopy(id.bytes(), 0, key, 0, 32);
    key[63] = 4;
    VoidResponse r =
        new Request<>(
                "anvil_setStorageAt",
                List.of(session, Numeric.toHexString(Hash.sha3(key)), Numeric.toHexString(chain)),
                new HttpService(node.rpcUrl()),
                VoidResponse.class)
            .send();
    assertTrue(!r.hasError(), () -> r.getError().getMessage());
  }
}
