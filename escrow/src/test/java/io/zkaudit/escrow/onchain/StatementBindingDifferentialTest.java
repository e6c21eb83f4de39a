package io.zkaudit.escrow.onchain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.data.Cifar10;
import io.zkaudit.data.InputEncoder;
import io.zkaudit.data.PixelRange;
import io.zkaudit.data.SharedData;
import io.zkaudit.data.TensorFiles;
import io.zkaudit.escrow.AnvilExtension;
import io.zkaudit.escrow.EscrowException;
import io.zkaudit.escrow.chain.ChainNode;
import io.zkaudit.field.Goldilocks;
import io.zkaudit.floatmodel.FloatModel;
import io.zkaudit.hash.Digest32;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelStatementSections;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.inference.VerifyingKey;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.ModelProver;
import io.zkaudit.prover.inference.ProgressListener;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.quantizer.Quantizer;
import io.zkaudit.tflite.TfliteImporter;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * StatementBinding.sol against the Java verifier's first steps (ModelVerifier.verify's checks,
 * ProofReduction.bindStatement and bindInput) on real model proofs: the MNIST CNN plain and
 * zero-knowledge, ResNet-8 zero-knowledge. Both accept exactly the same headers and inputs, for the
 * same reason, end in the same transcript state and leave the same input claim; the lookup verifier
 * then runs from the state the contract computed and ends where Java's does.
 */
@ExtendWith(AnvilExtension.class)
class StatementBindingDifferentialTest {
  private static final BigInteger FUNDS = new BigInteger("1000000000000000000000");

  /** A real proof with its key, verifier, input and plan. */
  record Fixture(
      String name,
      VerifyingKey vk,
      ModelVerifier verifier,
      int[] input,
      ModelProof proof,
      List<BigInteger> plan) {
    byte[] bytes() {
      return proof.encode();
    }

    byte[] header() {
      return StatementEncoding.header(proof);
    }

    /** The proof's bytes after its header. */
    byte[] rest() {
      byte[] b = bytes();
      return Arrays.copyOfRange(b, StatementEncoding.headerLength(proof), b.length);
    }

    TensorSpec inputSpec() {
      return vk.description().tensor(verifier.circuit().inputTensor());
    }

    TensorSpec outputSpec() {
      return vk.description().tensor(verifier.circuit().outputTensor());
    }
  }

  private static List<Fixture> fixtures;

  static synchronized List<Fixture> fixtures() throws Exception {
    if (fixtures == null) {
      List<Fixture> out = new ArrayList<>();
      Optional<CommittedMnist> mnist = committedMnist();
      if (mnist.isPresent()) {
        CommittedModel cm = mnist.get().model();
        int[] input = mnist.get().input();
        out.add(fixture("mnist-cnn", cm, input, false));
        out.add(fixture("mnist-cnn-zk", cm, input, true));
      }
      Optional<Path> resnet = SharedData.resolve("models/resnet8_cifar10_int8.tflite");
      Optional<Path> cifar = SharedData.resolve("data/cifar10/test_batch.bin");
      if (resnet.isPresent() && cifar.isPresent()) {
        QuantizedModel m = TfliteImporter.loadQuantized(resnet.get());
        TensorSpec in = m.input();
        InputEncoder enc = new InputEncoder(in.shapeArray(), 1.0, PixelRange.of(in));
        int[] input = enc.quantized(Cifar10.testSet(cifar.get(), 1).getFirst().image(), in);
        out.add(fixture("resnet8-zk", ModelProver.commit(m), input, true));
      }
      fixtures = out;
    }
    Assumptions.assumeFalse(fixtures.isEmpty(), "no ../shared/models");
    return fixtures;
  }

  /** The MNIST CNN committed, with the quantized test input the proofs are about. */
  record CommittedMnist(CommittedModel model, int[] input) {}

  private static Optional<CommittedMnist> committedMnist;

  /**
   * The MNIST CNN (../shared/models/mnist_cnn_float.tflite) quantized with
   * docs/examples/mnist-test-0.json as its calibration sample, committed, and that input quantized;
   * empty without the model.
   */
  static synchronized Optional<CommittedMnist> committedMnist() throws Exception {
    if (committedMnist == null) {
      Optional<Path> mnist = SharedData.resolve("models/mnist_cnn_float.tflite");
      if (mnist.isEmpty()) {
        committedMnist = Optional.empty();
        return committedMnist;
      }
      FloatModel f = TfliteImporter.loadFloat(mnist.get());
      Path json =
          Path.of(System.getProperty("zkaudit.docs", "../docs"), "examples/mnist-test-0.json");
      float[] real = TensorFiles.toNhwc(TensorFiles.read(json), f.input().shape()).real();
      QuantizedModel q = Quantizer.quantize(f, List.of(real), PixelRange.UNIT);
      TensorSpec spec = q.input();
      int[] input = new int[real.length];
      for (int i = 0; i < input.length; i++) {
        input[i] =
            (int)
                Math.clamp(
                    Math.round(real[i] / spec.scale()) + spec.zeroPoint(),
                    spec.type().min(),
                    spec.type().max());
      }
      CommittedModel cm =
          ModelProver.commit(
              q,
              "zkaudit/test/onchain-statement".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      committedMnist = Optional.of(new CommittedMnist(cm, input));
    }
    return committedMnist;
  }

  private static Fixture plainMnist;

  /**
   * The plain MNIST CNN proof alone (the same model and input as {@link #fixtures}' first), for
   * tests that need no other proof; skipped without the model.
   */
  static synchronized Fixture plainMnist() throws Exception {
    if (plainMnist == null) {
      if (fixtures != null
          && !fixtures.isEmpty()
          && fixtures.getFirst().name().equals("mnist-cnn")) {
        plainMnist = fixtures.getFirst();
      } else {
        Optional<CommittedMnist> m = committedMnist();
        Assumptions.assumeTrue(m.isPresent(), "no ../shared/models");
        plainMnist = fixture("mnist-cnn", m.get().model(), m.get().input(), false);
      }
    }
    return plainMnist;
  }

  private static Fixture zkMnist;

  /**
   * The zero-knowledge MNIST CNN proof alone (the same model and input as {@link #fixtures}'
   * second), for tests that need no other proof; skipped without the model.
   */
  static synchronized Fixture zkMnist() throws Exception {
    if (zkMnist == null) {
      if (fixtures != null
          && fixtures.size() > 1
          && fixtures.get(1).name().equals("mnist-cnn-zk")) {
        zkMnist = fixtures.get(1);
      } else {
        Optional<CommittedMnist> m = committedMnist();
        Assumptions.assumeTrue(m.isPresent(), "no ../shared/models");
        zkMnist = fixture("mnist-cnn-zk", m.get().model(), m.get().input(), true);
      }
    }
    return zkMnist;
  }

  private static Fixture fixture(String name, CommittedModel cm, int[] input, boolean zk)
      throws InvalidProofException {
    ModelProof proof = ModelProver.prove(cm, input, ProgressListener.NONE, zk);
    ModelVerifier verifier = new ModelVerifier(cm.vk());
    verifier.verify(proof, input); // the whole proof is valid in Java
    return new Fixture(name, cm.vk(), verifier, input, proof, StatementEncoding.plan(cm.vk()));
  }

  // ---------------------------------------------------------------- the two verdicts

  /** Java's verdict by the contract's categories, with its end state and input claim. */
  record JavaVerdict(
      StatementRejection reason,
      Digest32 stateOut,
      Digest32 claimsHash,
      ModelStatementSections.Bound bound,
      String message) {}

  static JavaVerdict java(Fixture f, byte[] proofBytes, int[] input) {
    ModelProof p;
    try {
      p = ModelProof.decode(proofBytes);
    } catch (InvalidProofException e) {
      return new JavaVerdict(StatementRejection.MALFORMED, null, null, null, e.getMessage());
    }
    try {
      ModelStatementSections.Bound b = ModelStatementSections.of(f.verifier(), f.vk(), p, input);
      return new JavaVerdict(
          StatementRejection.VALID,
          b.section().before().state(),
          StatementEncoding.claimsHash(b.inputColumn(), b.point(), b.value()),
          b,
          "valid");
    } catch (InvalidProofException e) {
      StatementRejection reason = StatementRejection.ofJavaMessage(e.getMessage());
      assertNotNull(reason, "no category for the Java rejection: " + e.getMessage());
      return new JavaVerdict(reason, null, null, null, e.getMessage());
    }
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** The contract on (header, input) against Java on (header + the proof's rest, input). */
  static StatementRejection assertSameVerdict(
      OnChainStatementBinding v, Fixture f, byte[] header, int[] input, String what) {
    JavaVerdict java = java(f, concat(header, f.rest()), input);
    OnChainStatementBinding.Verdict chain =
        v.bind(f.plan(), StatementEncoding.input(input), header);
    assertEquals(
        java.reason(),
        chain.reason(),
        what + ": Java said " + java.message() + "; the contract's detail " + chain.detail());
    if (java.reason() == StatementRejection.VALID) {
      assertEquals(java.stateOut(), chain.stateOut(), what);
      assertEquals(java.claimsHash(), chain.claimsHash(), what);
      assertEquals(ModelVerifier.inputHash(input), chain.inputHash(), what);
    }
    return java.reason();
  }

  static OnChainStatementBinding deploy(ChainNode node) {
    return OnChainStatementBinding.deploy(node.web3j(), node.newAccount(FUNDS));
  }

  // ---------------------------------------------------------------- honest proofs

  /**
   * Each real proof: accepted with Java's state, input claim and hashes; then the lookup verifier,
   * started from the contract's state, ends in Java's state after the lookups with Java's claims.
   */
  @Test
  void realProofsAreBoundWithJavasStateAndTheLookupsRunFromIt(ChainNode node) throws Exception {
    OnChainStatementBinding v = deploy(node);
    assertTrue(v.codeSize() <= 24_576, "EIP-170: " + v.codeSize() + " bytes");
    OnChainLogUpVerifier lookups =
        OnChainLogUpVerifier.deploy(node.web3j(), node.newAccount(FUNDS));
    for (Fixture f : fixtures()) {
      JavaVerdict java = java(f, f.bytes(), f.input());
      assertEquals(StatementRejection.VALID, java.reason(), f.name() + ": " + java.message());
      byte[] input = StatementEncoding.input(f.input());
      OnChainStatementBinding.Verdict chain = v.bind(f.plan(), input, f.header());
      assertEquals(StatementRejection.VALID, chain.reason(), f.name() + " " + chain.detail());
      assertEquals(java.stateOut(), chain.stateOut(), f.name());
      assertEquals(java.claimsHash(), chain.claimsHash(), f.name());
      assertEquals(ModelVerifier.inputHash(f.input()), chain.inputHash(), f.name());
      assertEquals(StatementEncoding.outputHash(f.proof().output()), chain.outputHash(), f.name());
      assertEquals(chain, v.check(f.plan(), input, f.header()), f.name());

      // The lookups from the contract's state: Java's verdict, state and claims.
      LogUpVerifierDifferentialTest.Case c =
          LogUpVerifierDifferentialTest.Case.of(
              f.name(),
              java.bound().section().statement(),
              f.proof().zeroKnowledge(),
              java.bound().section().before(),
              f.proof().lookups().toBytes());
      LogUpVerifierDifferentialTest.JavaVerdict javaLookups =
          LogUpVerifierDifferentialTest.java(c, c.proof());
      assertEquals(LogUpRejection.VALID, javaLookups.reason(), f.name());
      OnChainLogUpVerifier.Verdict chainLookups =
          lookups.verify(chain.stateOut(), c.plan(), c.tables(), c.proof());
      assertEquals(LogUpRejection.VALID, chainLookups.reason(), f.name());
      assertEquals(javaLookups.stateOut(), chainLookups.stateOut(), f.name());
      assertEquals(javaLookups.claimsHash(), chainLookups.claimsHash(), f.name());
    }
  }

  @Test
  void recordsTheFactOfABoundStatementOnly(ChainNode node) throws Exception {
    OnChainStatementBinding v = deploy(node);
    Fixture f = fixtures().getFirst();
    JavaVerdict java = java(f, f.bytes(), f.input());
    byte[] planHash = StatementEncoding.planHash(f.plan());
    Digest32 inputHash = ModelVerifier.inputHash(f.input());
    Digest32 outputHash = StatementEncoding.outputHash(f.proof().output());
    Digest32 expected =
        v.factOf(planHash, inputHash, outputHash, java.stateOut(), java.claimsHash());
    assertFalse(v.isVerified(expected));
    OnChainStatementBinding.Recorded r =
        v.record(f.plan(), StatementEncoding.input(f.input()), f.header());
    assertEquals(expected, r.fact());
    assertTrue(v.isVerified(expected));
    // Another input is refused before anything is sent, and nothing is recorded for it.
    int[] other = f.input().clone();
    other[0] = other[0] == f.inputSpec().type().max() ? other[0] - 1 : other[0] + 1;
    assertThrows(
        EscrowException.class,
        () -> v.record(f.plan(), StatementEncoding.input(other), f.header()));
    assertFalse(
        v.isVerified(
            v.factOf(
                planHash,
                ModelVerifier.inputHash(other),
                outputHash,
                java.stateOut(),
                java.claimsHash())));
  }

  // ---------------------------------------------------------------- mutations

  /** [from, to) of the header's fields: magic, version, flags, model, output, commitments, eval. */
  static List<int[]> fields(ModelProof p) {
    List<int[]> out = new ArrayList<>();
    out.add(new int[] {0, 4});
    out.add(new int[] {4, 8});
    out.add(new int[] {8, 9});
    out.add(new int[] {9, 41});
    out.add(new int[] {41, 45});
    int at = 45;
    for (int k = 0; k < p.output().length; k++) {
      out.add(new int[] {at, at + 4});
      at += 4;
    }
    out.add(new int[] {at, at + 4});
    at += 4;
    int commitments = p.witness().size() + (p.zeroKnowledge() ? 1 : 0);
    for (int k = 0; k < commitments; k++) {
      out.add(new int[] {at, at + 32});
      out.add(new int[] {at + 32, at + 33});
      at += 33;
    }
    out.add(new int[] {at, at + 8});
    out.add(new int[] {at + 8, at + 16});
    return out;
  }

  static byte[] putU32(byte[] header, int at, int v) {
    byte[] b = header.clone();
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, v);
    return b;
  }

  static byte[] putU64(byte[] header, int at, long v) {
    byte[] b = header.clone();
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(at, v);
    return b;
  }

  /**
   * Every byte of every header, once with one bit flipped and once replaced; then per field the
   * values that reach each check (limits, sizes, types, canonicity); truncations and a trailing
   * byte. Each gets Java's verdict and reason, and every reason of the header is reached.
   */
  @Test
  void mutationsOfEveryHeaderFieldGetJavasVerdict(ChainNode node) throws Exception {
    OnChainStatementBinding v = deploy(node);
    Map<StatementRejection, Integer> seen = new EnumMap<>(StatementRejection.class);
    int total = 0;
    for (Fixture f : fixtures()) {
      byte[] good = f.header();
      Random rng = new Random(f.name().hashCode());
      for (int at = 0; at < good.length; at++) {
        byte[] flipped = good.clone();
        flipped[at] ^= (byte) (1 << rng.nextInt(8));
        seen.merge(
            assertSameVerdict(v, f, flipped, f.input(), f.name() + " bit at " + at),
            1,
            Integer::sum);
        byte[] replaced = good.clone();
        replaced[at] = (byte) (replaced[at] + 1 + rng.nextInt(255));
        seen.merge(
            assertSameVerdict(v, f, replaced, f.input(), f.name() + " byte at " + at),
            1,
            Integer::sum);
        total += 2;
      }
      List<byte[]> targeted = new ArrayList<>();
      targeted.add(putU32(good, 4, 8)); // an older version
      targeted.add(putU32(good, 4, 10)); // a newer one
      for (int flags : new int[] {0, 1, 2, 3, 4}) {
        byte[] b = good.clone();
        b[8] = (byte) flags;
        targeted.add(b);
      }
      List<int[]> fields = fields(f.proof());
      int outputs = f.proof().output().length;
      TensorSpec out = f.outputSpec();
      for (int k = 0; k < outputs; k++) {
        int at = fields.get(5 + k)[0];
        targeted.add(putU32(good, at, out.type().max() + 1));
        targeted.add(putU32(good, at, out.type().min() - 1));
        targeted.add(putU32(good, at, out.type().max()));
      }
      targeted.add(putU32(good, 41, outputs + 1));
      targeted.add(putU32(good, 41, outputs - 1));
      targeted.add(putU32(good, 41, (1 << 20) + 1));
      int binsAt = fields.get(5 + outputs)[0];
      int bins = f.proof().witness().size();
      targeted.add(putU32(good, binsAt, bins + 1));
      targeted.add(putU32(good, binsAt, bins - 1));
      targeted.add(putU32(good, binsAt, 9));
      int commitments = bins + (f.proof().zeroKnowledge() ? 1 : 0);
      for (int k = 0; k < commitments; k++) {
        int varsAt = binsAt + 4 + 33 * k + 32;
        for (int d : new int[] {-1, 1}) {
          byte[] b = good.clone();
          b[varsAt] = (byte) (b[varsAt] + d);
          targeted.add(b);
        }
        byte[] over = good.clone();
        over[varsAt] = 28;
        targeted.add(over);
      }
      int evalAt = good.length - 16;
      targeted.add(putU64(good, evalAt, Goldilocks.P));
      targeted.add(putU64(good, evalAt + 8, -1L));
      targeted.add(putU64(good, evalAt, 0));
      for (int cut :
          new int[] {0, 1, 8, 40, 44, good.length / 2, good.length - 16, good.length - 1}) {
        targeted.add(Arrays.copyOf(good, cut));
      }
      targeted.add(Arrays.copyOf(good, good.length + 1));
      for (int i = 0; i < targeted.size(); i++) {
        seen.merge(
            assertSameVerdict(v, f, targeted.get(i), f.input(), f.name() + " targeted " + i),
            1,
            Integer::sum);
        total++;
      }
    }
    assertTrue(total >= 1000, "only " + total + " mutations");
    for (StatementRejection r :
        List.of(
            StatementRejection.VALID,
            StatementRejection.MALFORMED,
            StatementRejection.WRONG_MODEL,
            StatementRejection.BAD_OUTPUT,
            StatementRejection.COMMITMENTS,
            StatementRejection.INPUT_EVALUATION)) {
      assertTrue(seen.getOrDefault(r, 0) > 0, "no mutation was judged " + r + ": " + seen);
    }
  }

  /**
   * Input forgery: the honest proof against another input (one value changed anywhere, in range)
   * fails the input evaluation; values outside the input's type and inputs of another length are
   * refused as such; the same reasons as Java's.
   */
  @Test
  void anotherInputIsRejectedAsJavaRejectsIt(ChainNode node) throws Exception {
    OnChainStatementBinding v = deploy(node);
    for (Fixture f : fixtures()) {
      int[] good = f.input();
      TensorSpec in = f.inputSpec();
      Random rng = new Random(f.name().hashCode());
      List<Integer> positions = new ArrayList<>(List.of(0, 1, good.length / 2, good.length - 1));
      for (int i = 0; i < 12; i++) {
        positions.add(rng.nextInt(good.length));
      }
      for (int k : positions) {
        int[] other = good.clone();
        other[k] = other[k] == in.type().max() ? other[k] - 1 : other[k] + 1;
        assertEquals(
            StatementRejection.INPUT_EVALUATION,
            assertSameVerdict(v, f, f.header(), other, f.name() + " input " + k));
        int[] outside = good.clone();
        outside[k] = rng.nextBoolean() ? in.type().max() + 1 : in.type().min() - 1;
        assertEquals(
            StatementRejection.BAD_INPUT,
            assertSameVerdict(v, f, f.header(), outside, f.name() + " outside " + k));
      }
      for (int[] other :
          List.of(Arrays.copyOf(good, good.length - 1), Arrays.copyOf(good, good.length + 1))) {
        assertEquals(
            StatementRejection.BAD_INPUT,
            assertSameVerdict(v, f, f.header(), other, f.name() + " length " + other.length));
      }
      // Bytes that are no whole number of values (Java's int[] cannot hold them).
      byte[] ragged = Arrays.copyOf(StatementEncoding.input(good), 4 * good.length + 1);
      assertEquals(StatementRejection.BAD_INPUT, v.bind(f.plan(), ragged, f.header()).reason());
    }
  }

  /** Plans that are no key's, and keys that are not the proof's. */
  @Test
  void hostilePlansAreRejectedAsSuch(ChainNode node) throws Exception {
    OnChainStatementBinding v = deploy(node);
    for (Fixture f : fixtures()) {
      byte[] input = StatementEncoding.input(f.input());
      List<BigInteger> plan = f.plan();
      List<List<BigInteger>> bad = new ArrayList<>();
      bad.add(plan.subList(0, plan.size() - 1));
      List<BigInteger> longer = new ArrayList<>(plan);
      longer.add(BigInteger.ONE);
      bad.add(longer);
      bad.add(List.of());
      for (int[] change :
          new int[][] {
            {2, 28}, // weight variables over the limit
            {3, 0}, // no height
            {4, 1 << 21}, // a dimension over the limit
            {6, 0}, // a width that does not fit its bits
            {8, 1000}, // min above max
            {10, 0}, // no output
            {14, 21}, // height bits over the limit
            {16, 0} // no witness commitment
          }) {
        List<BigInteger> b = new ArrayList<>(plan);
        b.set(change[0], BigInteger.valueOf(change[1]));
        bad.add(b);
      }
      List<BigInteger> huge = new ArrayList<>(plan);
      huge.set(9, BigInteger.ONE.shiftLeft(40)); // a bound outside int32
      bad.add(huge);
      for (List<BigInteger> b : bad) {
        assertEquals(
            StatementRejection.BAD_STATEMENT,
            v.bind(b, input, f.header()).reason(),
            f.name() + " plan " + b.size());
      }
      // Another key: the proof is for another model, as Java says of it.
      List<BigInteger> otherKey = new ArrayList<>(plan);
      otherKey.set(0, plan.get(0).xor(BigInteger.ONE));
      assertEquals(
          StatementRejection.WRONG_MODEL, v.bind(otherKey, input, f.header()).reason(), f.name());
      // Another witness layout for this kind of proof: the commitments do not fit it.
      int kindAt = f.proof().zeroKnowledge() ? 17 + plan.get(16).intValue() : 14;
      List<BigInteger> otherBins = new ArrayList<>(plan);
      otherBins.set(kindAt + 3, plan.get(kindAt + 3).add(BigInteger.ONE));
      assertEquals(
          StatementRejection.COMMITMENTS, v.bind(otherBins, input, f.header()).reason(), f.name());
      // Another weight commitment under the same key is no key's plan. The contract cannot tell
      // (it holds no description to recompute the digest from), but the transcript it binds is
      // another one: the input point moves and the proof's input evaluation fails there, as Java's
      // would under a key with those weights; the plan's hash in the fact names it in any case.
      List<BigInteger> otherWeights = new ArrayList<>(plan);
      otherWeights.set(1, plan.get(1).xor(BigInteger.ONE));
      assertEquals(
          StatementRejection.INPUT_EVALUATION,
          v.bind(otherWeights, input, f.header()).reason(),
          f.name());
    }
  }

  // ---------------------------------------------------------------- gas

  /** Gas of recording each real proof's statement, into docs/onchain-verifier-gas.md. */
  @Test
  void writesTheGasTable(ChainNode node) throws Exception {
    OnChainStatementBinding v =
        OnChainStatementBinding.deploy(
            node.web3j(), node.namedAccount("onchain statement gas table", FUNDS));
    StringBuilder rows = new StringBuilder();
    for (Fixture f : fixtures()) {
      OnChainStatementBinding.Recorded r =
          v.record(f.plan(), StatementEncoding.input(f.input()), f.header());
      assertTrue(r.gasUsed() <= OnChainOpeningVerifier.TRANSACTION_GAS_CAP, f.name());
      rows.append(
          String.format(
              "| %s | %,d | %d | %,d | %,d | %,d | %,d |%n",
              f.name(),
              f.input().length,
              f.proof().output().length,
              f.header().length,
              f.plan().size(),
              r.calldataBytes(),
              r.gasUsed()));
    }
    GasDoc.writeSection(
        LogUpVerifierDifferentialTest.gasDoc(),
        GasDoc.STATEMENT,
        STATEMENT_HEADING
            + "\n\n"
            + """
            Generated by `StatementBindingDifferentialTest` (escrow module) on a local Anvil node; do
            not edit. One transaction of `StatementBinding.record` per proof: the header decoded, the
            input's SHA-256 and range, the statement and commitments absorbed, the input point drawn
            and the input's multilinear extension evaluated there, the fact's storage write, the
            21,000 per transaction and the calldata (the plan as 32-byte words, the input as int32,
            the proof's header). Runtime bytecode: %,d bytes (EIP-170: 24,576). The zero-knowledge
            rows move by a few gas between runs (fresh masks change the header's bytes).

            | proof | input values | outputs | header bytes | plan words | calldata bytes | gas |
            |---|---:|---:|---:|---:|---:|---:|
            %s\
            """
                .formatted(v.codeSize(), rows));
  }

  static final String STATEMENT_HEADING = "## Statement and input binding (StatementBinding.sol)";
}
