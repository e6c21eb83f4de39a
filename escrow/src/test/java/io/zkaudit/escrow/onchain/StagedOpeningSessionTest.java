package io.zkaudit.escrow.onchain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.escrow.AnvilExtension;
import io.zkaudit.escrow.EscrowDeployer;
import io.zkaudit.escrow.chain.ChainNode;
import io.zkaudit.field.Ext2;
import io.zkaudit.hash.Digest32;
import io.zkaudit.inference.ModelProofOpenings;
import io.zkaudit.pcs.BatchedOpeningProof;
import io.zkaudit.pcs.Commitment;
import io.zkaudit.pcs.EvalClaim;
import io.zkaudit.pcs.PcsParams;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.methods.response.VoidResponse;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;

/**
 * The batched openings of real model proofs (the MNIST CNN plain and zero knowledge, ResNet-8 zero
 * knowledge) verified on chain in transactions each under EIP-7825's gas cap and the 128 KiB size
 * cap, the statement read in chunks the client cuts ({@code BatchedClaimReduction.stage*}), then
 * the session's {@code opened} step, which takes the statement from the session's checkpoint (its
 * chain and its state) and reads the opening's fact. Mutations of every piece get Java's verdict.
 *
 * <p>The seam: the checkpoint {@code opened} continues (step STEP_OPENING) is the one {@code
 * finish} stores after a plain proof's layers (FinishSessionTest runs the plain MNIST CNN's whole
 * session through it). Zero-knowledge proofs have no {@code finish} on chain yet: for them, and for
 * the hostile statements below, it is written into the session contract's storage with Anvil's
 * {@code anvil_setStorageAt}, holding what the Java verifier computes: the transcript state before
 * the opening and the chain of the opening's statement.
 */
@ExtendWith(AnvilExtension.class)
class StagedOpeningSessionTest {
  private static final Path DOC =
      Path.of(System.getProperty("zkaudit.docs", "../docs"), "onchain-verifier-gas.md");
  private static final PcsParams PARAMS = PcsParams.provable100();
  private static final BigInteger FUNDS = new BigInteger("1000000000000000000000");

  /** The statement's chunks: 64 KiB of items each, the client's choice. */
  private static final int CHUNK = 64 * 1024;

  private static final BigInteger STEP_OPENING = BigInteger.ONE.shiftLeft(30);

  private static BatchedOpeningDifferentialTest.Case of(String name, ModelProofOpenings.Opening o)
      throws Exception {
    return new BatchedOpeningDifferentialTest.Case(
        name,
        PARAMS,
        o.commitments(),
        o.claims(),
        o.before().fork(),
        BatchedOpeningProof.decode(
            o.proof(), PARAMS, o.commitments().stream().mapToInt(Commitment::numVars).toArray()));
  }

  private static OnChainBatchedVerifier.StagedPieces pieces(BatchedOpeningDifferentialTest.Case c) {
    return pieces(c, CHUNK);
  }

  private static OnChainBatchedVerifier.StagedPieces pieces(
      BatchedOpeningDifferentialTest.Case c, int chunkBytes) {
    return OnChainBatchedVerifier.staged(
        c.polynomials(),
        BatchedOpeningEncoding.sections(c.proof(), PARAMS, c.numVars()),
        chunkBytes);
  }

  // ------------------------------------------------------------------ honest openings, the session

  @Test
  void modelOpeningsAreVerifiedInTransactionsAndCloseTheSession(ChainNode node) throws Exception {
    Credentials account = node.namedAccount("staged opening gas table", FUNDS);
    OnChainBatchedVerifier verifier = OnChainBatchedVerifier.deploy(node.web3j(), account, PARAMS);
    OnChainBatchedVerifier.CodeSizes sizes = verifier.codeSizes();
    assertTrue(sizes.verifier() <= 24_576 && sizes.reduction() <= 24_576, sizes.toString());
    OnChainProofSession session =
        OnChainProofSession.deploy(
            node.web3j(),
            account,
            OnChainStatementBinding.deploy(node.web3j(), account),
            OnChainLogUpVerifier.deploy(node.web3j(), account));
    session.bindOpenings(verifier.address());

    StringBuilder table = new StringBuilder();
    List<BatchedOpeningDifferentialTest.Case> cases = new ArrayList<>();
    cases.add(of("MNIST CNN, plain", ModelBatchedOpenings.mnistPlain()));
    cases.add(of("MNIST CNN, zero knowledge", ModelBatchedOpenings.mnist()));
    if (!Boolean.getBoolean("zkaudit.staged.skipResnet")) {
      cases.add(of("ResNet-8, zero knowledge", ModelBatchedOpenings.resnet8()));
    }
    List<byte[]> chains = new ArrayList<>();
    List<Digest32> ends = new ArrayList<>();
    for (BatchedOpeningDifferentialTest.Case c : cases) {
      BatchedOpeningDifferentialTest.JavaVerdict java =
          BatchedOpeningDifferentialTest.javaVerdict(c, c.proof().encode());
      assertEquals(OpeningRejection.VALID, java.reason(), c.name() + ": " + java.message());
      OnChainBatchedVerifier.StagedPieces p = pieces(c);
      OnChainOpeningVerifier.Verified v;
      try {
        v = verifier.verifyStaged(c.start().state(), p);
      } catch (io.zkaudit.escrow.EscrowException e) {
        // ResNet-8: oracle 0 carries the 2^21 layer and the 2^19 joining layer together, more
        // than a transaction may (docs/onchain-verifier.md, "What remains"). The MNIST CNN's fit.
        assertTrue(
            c.name().startsWith("ResNet-8") && e.getMessage().contains("transaction limit"),
            e.getMessage());
        table.append(
            String.format(
                "| %s | %s | %,d | %,d | %d | does not fit: %s | | | | |%n",
                c.name(),
                Arrays.stream(c.numVars())
                    .mapToObj(n -> "2^" + n)
                    .collect(Collectors.joining(", ")),
                c.polynomials().length,
                c.proof().encode().length,
                p.absorb().size(),
                e.getMessage()));
        continue;
      }
      byte[] chain = BatchedOpeningEncoding.statementChain(c.polynomials());
      chains.add(chain);
      ends.add(java.stateOut());
      // The fact names Java's end state: the contract ended where Java's transcript did.
      assertEquals(verifier.stagedFactOf(chain, c.start().state(), java.stateOut()), v.fact());
      assertTrue(verifier.isVerified(v.fact()), c.name());
      long maxGas = 0;
      int maxBytes = 0;
      long statementGas = 0;
      for (OnChainOpeningVerifier.Step step : v.steps()) {
        assertTrue(step.gasUsed() <= OnChainOpeningVerifier.TRANSACTION_GAS_CAP, step.toString());
        assertTrue(
            step.calldataBytes() <= OnChainOpeningVerifier.TRANSACTION_SIZE_CAP, step.toString());
        maxGas = Math.max(maxGas, step.gasUsed());
        maxBytes = Math.max(maxBytes, step.calldataBytes());
        if (step.name().startsWith("statement")
            || step.name().startsWith("reduction")
            || step.name().startsWith("evaluation")) {
          statementGas += step.gasUsed();
        }
      }
      long preJoins = v.steps().stream().filter(st -> st.name().startsWith("joining")).count();
      assertEquals(
          2 * p.absorb().size() + 2 + PARAMS.arities(c.numVars()[0]).length + preJoins,
          v.steps().size(),
          "the statement twice in chunks, the reduction, the header, one transaction per oracle"
              + " (and one for the joining layers of an oracle too large with them)");
      table.append(
          String.format(
              "| %s | %s | %,d | %,d | %d | %d | %,d | %,d | %,d | %,d |%n",
              c.name(),
              Arrays.stream(c.numVars()).mapToObj(n -> "2^" + n).collect(Collectors.joining(", ")),
              c.polynomials().length,
              c.proof().encode().length,
              p.absorb().size(),
              v.steps().size(),
              v.totalGas(),
              statementGas,
              maxGas,
              maxBytes));
    }

    // The zero-knowledge sessions: from the checkpoint their layer steps will store (seeded here:
    // they have no `finish` yet), `opened` reads the fact of the checkpoint's own statement and
    // state.
    String opener = account.getAddress();
    for (int i = 0; i < chains.size(); i++) {
      BatchedOpeningDifferentialTest.Case c = cases.get(i);
      if (c.name().endsWith("plain")) {
        // A plain proof's session reaches this checkpoint through its own steps (`finish`):
        // FinishSessionTest closes the plain MNIST CNN's session for real, nothing seeded.
        continue;
      }
      OnChainProofSession.Checkpoint before = openingCheckpoint(c.start().state(), chains.get(i));
      Digest32 id = sessionIdFor(c.start().state());
      seed(node, session.address(), id, opener, before);
      OnChainProofSession.Outcome done = session.opened(id, before, ends.get(i));
      OnChainProofSession.Outcome.Advanced a =
          assertInstanceOf(OnChainProofSession.Outcome.Advanced.class, done, c.name());
      assertEquals(STEP_OPENING.add(BigInteger.ONE).intValue(), stepOf(a.checkpoint()));
      assertEquals(ends.get(i), a.checkpoint().state());
      assertEquals(new Digest32(new byte[32]), a.checkpoint().claimsHash());
      // Replayed: the session moved on.
      assertInstanceOf(
          OnChainProofSession.Outcome.UnknownSession.class,
          session.opened(id, before, ends.get(i)));
    }
    // The caller cannot choose the claims: a session whose statement is another proof's (the plain
    // MNIST CNN's chain from the zero-knowledge proof's state) has no verified opening, whatever
    // end state is named; nor does the right statement with a wrong end state.
    BatchedOpeningDifferentialTest.Case zk = cases.get(1);
    OnChainProofSession.Checkpoint swapped = openingCheckpoint(zk.start().state(), chains.get(0));
    Digest32 id = sessionIdFor(new Digest32(Hash.sha3("other statement".getBytes())));
    seed(node, session.address(), id, opener, swapped);
    for (Digest32 end : List.of(ends.get(0), ends.get(1))) {
      OnChainProofSession.Outcome.Rejected r =
          assertInstanceOf(
              OnChainProofSession.Outcome.Rejected.class, session.opened(id, swapped, end));
      assertEquals(1, r.reason(), "OPENING_NOT_VERIFIED");
    }
    OnChainProofSession.Checkpoint right = openingCheckpoint(zk.start().state(), chains.get(1));
    Digest32 id2 = sessionIdFor(new Digest32(Hash.sha3("wrong end".getBytes())));
    seed(node, session.address(), id2, opener, right);
    assertInstanceOf(
        OnChainProofSession.Outcome.Rejected.class, session.opened(id2, right, zk.start().state()));
    // Another sender cannot advance this session.
    OnChainProofSession other =
        OnChainProofSession.at(node.web3j(), node.newAccount(FUNDS), session.address());
    assertInstanceOf(
        OnChainProofSession.Outcome.UnknownSession.class, other.opened(id2, right, ends.get(1)));
    assertInstanceOf(
        OnChainProofSession.Outcome.Advanced.class, session.opened(id2, right, ends.get(1)));

    GasDoc.writeSection(
        DOC,
        GasDoc.STAGED,
        """
        ## The models' batched openings in transactions (staged statement)

        Generated by `StagedOpeningSessionTest` (escrow module) on a local Anvil node; do not
        edit. Production parameters. The openings are those of real proofs (format 9: the witness
        bins and the weight shadow) as the Java verifier meets them. The statement is read twice
        in chunks of at most %,d bytes of items that the client cuts (`stageBegin`, `stageAbsorb`:
        absorbed; `stageReduce`: rho and the claim reduction; `stageEvaluate`: each g_j at the
        reduction's point, then the reduction's fact); then `beginStaged` (the combined opening's
        header) and one `continueWith` per oracle, with a `preJoin` before an oracle too large
        with its joining layers (ResNet-8's first). Every transaction under EIP-7825's 16,777,216
        gas and the 128 KiB size cap; gas includes the 21,000 per transaction and the calldata.
        Zero-knowledge proofs are randomized, so their rows move a little between runs.

        | opening | polynomials | statement bytes | proof bytes | chunks per pass | transactions | total gas | of which the statement and reduction | largest transaction, gas | largest calldata, bytes |
        |---|---|---:|---:|---:|---:|---:|---:|---:|---:|
        """
                .formatted(CHUNK)
            + table
            + String.format(
                """

                Deployed code (EIP-170 allows 24,576 bytes per contract): `BatchedOpeningVerifier`
                %,d bytes, `BatchedClaimReduction` (with the staged statement) %,d bytes,
                `ProofSession` %,d bytes.
                """,
                sizes.verifier(), sizes.reduction(), session.codeSize()));
  }

  private static int stepOf(OnChainProofSession.Checkpoint c) {
    return new BigInteger(1, c.words().get(0).bytes()).intValue();
  }

  /** The checkpoint the layer steps will end in: step STEP_OPENING, the state, the chain. */
  private static OnChainProofSession.Checkpoint openingCheckpoint(Digest32 state, byte[] chain) {
    List<Digest32> words = new ArrayList<>();
    words.add(new Digest32(Numeric.toBytesPadded(STEP_OPENING, 32)));
    for (int i = 1; i < 6; i++) {
      words.add(new Digest32(new byte[32]));
    }
    words.add(state);
    words.add(new Digest32(chain));
    return new OnChainProofSession.Checkpoint(words);
  }

  private static Digest32 sessionIdFor(Digest32 state) {
    return new Digest32(Hash.sha3(Arrays.copyOf(state.bytes(), 33)));
  }

  /**
   * Writes checkpoints[id] = keccak(opener, c) into the session contract's storage (the mapping is
   * its first state variable, slot 0): where the layer steps' last step will put it.
   */
  private static void seed(
      ChainNode node, String session, Digest32 id, String opener, OnChainProofSession.Checkpoint c)
      throws IOException {
    byte[] key = new byte[64];
    System.arraycopy(id.bytes(), 0, key, 0, 32);
    String slot = Numeric.toHexString(Hash.sha3(key));
    String value = Numeric.toHexString(OnChainProofSession.stored(opener, c).bytes());
    VoidResponse r =
        new Request<>(
                "anvil_setStorageAt",
                List.of(session, slot, value),
                new HttpService(node.rpcUrl()),
                VoidResponse.class)
            .send();
    assertTrue(!r.hasError(), () -> r.getError().getMessage());
  }

  // ------------------------------------------------------------------ mutations

  /**
   * The contract's verdict on a staged flow: valid with its fact, or the first step's rejection.
   */
  record Chain(OpeningRejection reason, String step, Digest32 fact) {}

  private static Chain run(
      OnChainBatchedVerifier verifier, Digest32 stateIn, OnChainBatchedVerifier.StagedPieces p) {
    try {
      OnChainOpeningVerifier.Verified v = verifier.verifyStaged(stateIn, p);
      return new Chain(OpeningRejection.VALID, "", v.fact());
    } catch (OnChainOpeningVerifier.OpeningRejectedException e) {
      return new Chain(e.verdict().reason(), e.getMessage(), null);
    }
  }

  /**
   * The statement's encoding as Java's objects, or empty when it is no statement (what the contract
   * reports as bad claims).
   */
  static Optional<BatchedOpeningDifferentialTest.Case> withStatement(
      BatchedOpeningDifferentialTest.Case c, byte[] polys) {
    try {
      java.nio.ByteBuffer b =
          java.nio.ByteBuffer.wrap(polys).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      int m = b.getInt();
      if (m != c.commitments().size()) return Optional.empty();
      List<Commitment> commitments = new ArrayList<>();
      List<List<EvalClaim>> claims = new ArrayList<>();
      for (int j = 0; j < m; j++) {
        byte[] root = new byte[32];
        b.get(root);
        int n = b.getInt();
        int length = b.getInt();
        int end = b.position() + length;
        int count = b.getInt();
        if (count <= 0 || count > 1 << 16) return Optional.empty();
        List<EvalClaim> list = new ArrayList<>();
        for (int k = 0; k < count; k++) {
          int terms = b.getInt();
          if (terms <= 0 || terms > 1 << 16) return Optional.empty();
          List<EvalClaim.Term> ts = new ArrayList<>();
          for (int q = 0; q < terms; q++) {
            Ext2[] point = new Ext2[n];
            for (int x = 0; x < n; x++) point[x] = ext(b);
            ts.add(new EvalClaim.Term(point, ext(b)));
          }
          list.add(new EvalClaim(ts, ext(b)));
        }
        if (b.position() != end) return Optional.empty();
        commitments.add(new Commitment(new Digest32(root), n));
        claims.add(list);
      }
      if (b.hasRemaining()) return Optional.empty();
      return Optional.of(
          new BatchedOpeningDifferentialTest.Case(
              c.name(), c.params(), commitments, claims, c.start(), c.proof()));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Ext2 ext(java.nio.ByteBuffer b) {
    long c0 = b.getLong();
    long c1 = b.getLong();
    if (Long.compareUnsigned(c0, 0xFFFFFFFF00000001L) >= 0
        || Long.compareUnsigned(c1, 0xFFFFFFFF00000001L) >= 0) {
      throw new IllegalArgumentException("non-canonical");
    }
    return new Ext2(c0, c1);
  }

  private static byte[] join(List<byte[]> chunks, int m) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) m, 0, 0, 0});
    chunks.forEach(out::writeBytes);
    return out.toByteArray();
  }

  /** Java's verdict on a statement and proof bytes: bad claims when the statement is none. */
  private static BatchedOpeningDifferentialTest.JavaVerdict java(
      BatchedOpeningDifferentialTest.Case c, byte[] polys, byte[] proof) {
    return withStatement(c, polys)
        .map(s -> BatchedOpeningDifferentialTest.javaVerdict(s, proof))
        .orElse(
            new BatchedOpeningDifferentialTest.JavaVerdict(
                OpeningRejection.BAD_CLAIMS, null, "not a statement"));
  }

  private static void agree(
      String what,
      BatchedOpeningDifferentialTest.JavaVerdict java,
      Chain chain,
      OnChainBatchedVerifier verifier,
      BatchedOpeningDifferentialTest.Case c,
      byte[] polys,
      List<String> log) {
    log.add(what + ": java " + java.reason() + ", chain " + chain.reason() + " " + chain.step());
    assertEquals(
        java.reason(), chain.reason(), what + ": " + java.message() + " / " + chain.step());
    if (chain.reason() == OpeningRejection.VALID) {
      assertEquals(
          verifier.stagedFactOf(
              BatchedOpeningEncoding.statementChain(polys), c.start().state(), java.stateOut()),
          chain.fact(),
          what);
    }
  }

  @Test
  void mutationsOfEveryPieceOfTheZeroKnowledgeOpeningGetJavasVerdict(ChainNode node)
      throws Exception {
    mutations(
        node,
        of("MNIST CNN, zero knowledge", ModelBatchedOpenings.mnist()),
        of("MNIST CNN, plain", ModelBatchedOpenings.mnistPlain()),
        CHUNK);
  }

  /** The plain proof's statement (41 KB) in 16 KiB chunks, so that it takes several. */
  @Test
  void mutationsOfEveryPieceOfThePlainOpeningGetJavasVerdict(ChainNode node) throws Exception {
    mutations(
        node,
        of("MNIST CNN, plain", ModelBatchedOpenings.mnistPlain()),
        of("MNIST CNN, zero knowledge", ModelBatchedOpenings.mnist()),
        16 * 1024);
  }

  /** Mutations of c's staged opening; `plain` is another proof, whose pieces are spliced in. */
  private static void mutations(
      ChainNode node,
      BatchedOpeningDifferentialTest.Case c,
      BatchedOpeningDifferentialTest.Case plain,
      int chunkBytes)
      throws Exception {
    Credentials account = node.newAccount(FUNDS);
    OnChainBatchedVerifier verifier = OnChainBatchedVerifier.deploy(node.web3j(), account, PARAMS);
    OnChainBatchedVerifier.StagedPieces honest = pieces(c, chunkBytes);
    int m = honest.polynomialCount();
    byte[] polys = c.polynomials();
    byte[] proof = c.proof().encode();
    List<byte[]> chunks = honest.absorb();
    Random rng = new Random(15);
    List<String> log = new ArrayList<>();
    BatchedOpeningDifferentialTest.Pieces cut = BatchedOpeningDifferentialTest.pieces(c);

    // The statement, chunk by chunk: bit flips inside field elements (canonical still) and in a
    // root, applied to both passes (another statement); then Java's verdict on that statement.
    for (int i = 0; i < chunks.size(); i++) {
      for (int k = 0; k < 4; k++) {
        List<byte[]> mutated = new ArrayList<>(chunks);
        byte[] chunk = chunks.get(i).clone();
        int at = elementByte(chunk, i == 0 && k == 0, rng);
        chunk[at] ^= (byte) (1 << rng.nextInt(8));
        mutated.set(i, chunk);
        byte[] statement = join(mutated, m);
        agree(
            "statement chunk " + i + " flip at " + at,
            java(c, statement, proof),
            run(
                verifier,
                c.start().state(),
                new OnChainBatchedVerifier.StagedPieces(m, mutated, mutated, honest.sections())),
            verifier,
            c,
            statement,
            log);
      }
      // Truncated by one element: no statement.
      List<byte[]> truncated = new ArrayList<>(chunks);
      truncated.set(i, Arrays.copyOf(chunks.get(i), chunks.get(i).length - 16));
      agree(
          "statement chunk " + i + " truncated",
          java(c, join(truncated, m), proof),
          run(
              verifier,
              c.start().state(),
              new OnChainBatchedVerifier.StagedPieces(m, truncated, truncated, honest.sections())),
          verifier,
          c,
          join(truncated, m),
          log);
      // Pass 2 reads another statement than pass 1: refused (the passes' chains differ).
      List<byte[]> second = new ArrayList<>(chunks);
      byte[] chunk = chunks.get(i).clone();
      chunk[elementByte(chunk, false, rng)] ^= 1;
      second.set(i, chunk);
      Chain twice =
          run(
              verifier,
              c.start().state(),
              new OnChainBatchedVerifier.StagedPieces(m, chunks, second, honest.sections()));
      log.add("evaluation chunk " + i + " differs: chain " + twice.reason() + " " + twice.step());
      assertEquals(OpeningRejection.BAD_CLAIMS, twice.reason(), twice.step());
      assertTrue(twice.step().startsWith("evaluation"), twice.step());
    }
    // Swapped chunks, a replayed chunk, a chunk of another proof's statement.
    if (chunks.size() >= 2) {
      List<byte[]> swapped = new ArrayList<>(chunks);
      swapped.set(0, chunks.get(1));
      swapped.set(1, chunks.get(0));
      agree(
          "statement chunks 0 and 1 swapped",
          java(c, join(swapped, m), proof),
          run(
              verifier,
              c.start().state(),
              new OnChainBatchedVerifier.StagedPieces(m, swapped, swapped, honest.sections())),
          verifier,
          c,
          join(swapped, m),
          log);
      List<byte[]> replayed = new ArrayList<>(chunks);
      replayed.add(2, chunks.get(1));
      agree(
          "statement chunk 1 replayed",
          java(c, join(replayed, m), proof),
          run(
              verifier,
              c.start().state(),
              new OnChainBatchedVerifier.StagedPieces(m, replayed, replayed, honest.sections())),
          verifier,
          c,
          join(replayed, m),
          log);
    }
    List<byte[]> plainChunks = pieces(plain, chunkBytes).absorb();
    for (int i : new int[] {0, chunks.size() - 1}) {
      List<byte[]> foreign = new ArrayList<>(chunks);
      foreign.set(i, plainChunks.get(Math.min(i, plainChunks.size() - 1)));
      agree(
          "statement chunk " + i + " from the other proof",
          java(c, join(foreign, m), proof),
          run(
              verifier,
              c.start().state(),
              new OnChainBatchedVerifier.StagedPieces(m, foreign, foreign, honest.sections())),
          verifier,
          c,
          join(foreign, m),
          log);
    }

    // The proof's pieces: the reduction, the combined opening's header, each oracle's layer, each
    // joining layer; two bit flips each and a truncation, through the whole flow.
    List<int[]> ranges = new ArrayList<>(cut.reduction());
    ranges.addAll(cut.layers());
    cut.joining().forEach(ranges::addAll);
    for (int[] r : ranges) {
      for (int k = 0; k < 4; k++) {
        byte[] bytes = proof.clone();
        int at = r[0] + rng.nextInt(r[1] - r[0]);
        bytes[at] ^= (byte) (1 << rng.nextInt(8));
        BatchedOpeningDifferentialTest.JavaVerdict java =
            BatchedOpeningDifferentialTest.javaVerdict(c, bytes);
        agree(
            "proof byte " + at + " in [" + r[0] + ", " + r[1] + ")",
            java,
            run(
                verifier,
                c.start().state(),
                new OnChainBatchedVerifier.StagedPieces(m, chunks, chunks, cut.of(bytes))),
            verifier,
            c,
            polys,
            log);
      }
    }
    // Each section truncated by one byte (the rest of the proof as it was): malformed in both.
    for (int[] r : ranges) {
      byte[] bytes = new byte[proof.length - 1];
      System.arraycopy(proof, 0, bytes, 0, r[1] - 1);
      System.arraycopy(proof, r[1], bytes, r[1] - 1, proof.length - r[1]);
      agree(
          "proof section [" + r[0] + ", " + r[1] + ") truncated",
          BatchedOpeningDifferentialTest.javaVerdict(c, bytes),
          run(
              verifier,
              c.start().state(),
              new OnChainBatchedVerifier.StagedPieces(
                  m, chunks, chunks, sectionsOf(proof, cut, r))),
          verifier,
          c,
          polys,
          log);
    }
    // Oracle layers 0 and 1 swapped, and layer 0 replayed in place of layer 1: the bytes Java
    // reads are the same layers in that order.
    if (cut.layers().size() >= 2) {
      int[] l0 = cut.layers().get(0);
      int[] l1 = cut.layers().get(1);
      byte[] a = Arrays.copyOfRange(proof, l0[0], l0[1]);
      byte[] b = Arrays.copyOfRange(proof, l1[0], l1[1]);
      for (boolean replay : new boolean[] {false, true}) {
        byte[] first = replay ? a : b;
        byte[] second = a;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(proof, 0, l0[0]);
        out.writeBytes(first);
        out.writeBytes(second);
        out.write(proof, l1[1], proof.length - l1[1]);
        List<byte[]> layers = new ArrayList<>(honest.sections().layers());
        layers.set(0, first);
        layers.set(1, second);
        BatchedOpeningEncoding.Sections s0 = honest.sections();
        agree(
            replay ? "oracle layer 0 replayed as layer 1" : "oracle layers 0 and 1 swapped",
            BatchedOpeningDifferentialTest.javaVerdict(c, out.toByteArray()),
            run(
                verifier,
                c.start().state(),
                new OnChainBatchedVerifier.StagedPieces(
                    m,
                    chunks,
                    chunks,
                    new BatchedOpeningEncoding.Sections(
                        s0.reduction(), s0.header(), layers, s0.joining()))),
            verifier,
            c,
            polys,
            log);
      }
    }
    // A layer of the plain proof in place of the zero-knowledge proof's last one.
    BatchedOpeningEncoding.Sections own = honest.sections();
    BatchedOpeningEncoding.Sections plainSections =
        BatchedOpeningEncoding.sections(plain.proof(), PARAMS, plain.numVars());
    List<byte[]> layers = new ArrayList<>(own.layers());
    layers.set(layers.size() - 1, plainSections.layers().getLast());
    Chain foreign =
        run(
            verifier,
            c.start().state(),
            new OnChainBatchedVerifier.StagedPieces(
                m,
                chunks,
                chunks,
                new BatchedOpeningEncoding.Sections(
                    own.reduction(), own.header(), layers, own.joining())));
    log.add("last layer from the other proof: chain " + foreign.reason() + " " + foreign.step());
    assertTrue(foreign.reason() != OpeningRejection.VALID, foreign.step());

    // The joining layers opened in a transaction of their own (`preJoin`, which ResNet-8's first
    // oracle needs): the same fact; a flipped joining row fails there, as Java's joining Merkle
    // root.
    OnChainOpeningVerifier.Verified pre = verifier.verifyStaged(c.start().state(), honest, true);
    assertEquals(
        verifier.stagedFactOf(
            BatchedOpeningEncoding.statementChain(polys),
            c.start().state(),
            BatchedOpeningDifferentialTest.javaVerdict(c, proof).stateOut()),
        pre.fact());
    assertTrue(pre.steps().stream().anyMatch(st -> st.name().startsWith("joining")));
    int[] join =
        cut.joining().stream().filter(js -> !js.isEmpty()).findFirst().orElseThrow().getFirst();
    byte[] flipped = proof.clone();
    flipped[join[0] + 4 + 8 * 3] ^= 1;
    OnChainOpeningVerifier.OpeningRejectedException atJoin =
        org.junit.jupiter.api.Assertions.assertThrows(
            OnChainOpeningVerifier.OpeningRejectedException.class,
            () ->
                verifier.verifyStaged(
                    c.start().state(),
                    new OnChainBatchedVerifier.StagedPieces(m, chunks, chunks, cut.of(flipped)),
                    true));
    assertEquals(OpeningRejection.JOIN_MERKLE_ROOT, atJoin.verdict().reason());
    assertEquals(
        OpeningRejection.JOIN_MERKLE_ROOT,
        BatchedOpeningDifferentialTest.javaVerdict(c, flipped).reason());
    assertTrue(atJoin.getMessage().startsWith("joining"), atJoin.getMessage());

    // The honest opening, after all of that, still goes through.
    assertEquals(OpeningRejection.VALID, run(verifier, c.start().state(), honest).reason());
    System.out.println(c.name() + ":\n" + String.join("\n", log));
  }

  /** The proof's sections with the section at r one byte short (its last byte dropped). */
  private static BatchedOpeningEncoding.Sections sectionsOf(
      byte[] proof, BatchedOpeningDifferentialTest.Pieces cut, int[] r) {
    BatchedOpeningEncoding.Sections s = cut.of(proof);
    java.util.function.UnaryOperator<byte[]> shorten = b -> Arrays.copyOf(b, b.length - 1);
    if (Arrays.equals(r, cut.reduction().get(0))) {
      return new BatchedOpeningEncoding.Sections(
          shorten.apply(s.reduction()), s.header(), s.layers(), s.joining());
    }
    if (Arrays.equals(r, cut.reduction().get(1))) {
      return new BatchedOpeningEncoding.Sections(
          s.reduction(), shorten.apply(s.header()), s.layers(), s.joining());
    }
    List<byte[]> layers = new ArrayList<>(s.layers());
    for (int i = 0; i < cut.layers().size(); i++) {
      if (Arrays.equals(r, cut.layers().get(i))) {
        layers.set(i, shorten.apply(layers.get(i)));
        return new BatchedOpeningEncoding.Sections(s.reduction(), s.header(), layers, s.joining());
      }
    }
    List<byte[]> joining = new ArrayList<>(s.joining());
    for (int i = 0; i < cut.joining().size(); i++) {
      List<int[]> js = cut.joining().get(i);
      if (!js.isEmpty() && Arrays.equals(r, js.getLast())) {
        joining.set(i, shorten.apply(joining.get(i)));
        return new BatchedOpeningEncoding.Sections(s.reduction(), s.header(), s.layers(), joining);
      }
    }
    throw new IllegalArgumentException("no such section");
  }

  /**
   * A byte of the chunk past its first item's header: mostly the claims' field elements (a flip in
   * a term count or an element's high bytes makes no statement, which both sides say); in chunk 0's
   * first root when asked.
   */
  private static int elementByte(byte[] chunk, boolean root, Random rng) {
    return root ? rng.nextInt(32) : 64 + rng.nextInt(chunk.length - 64);
  }

  // ------------------------------------------------------------------ sessions of the stages

  @Test
  void aStageContinuesOnlyItsOwnLatestStateFromItsOwnSender(ChainNode node) throws Exception {
    BatchedOpeningDifferentialTest.Case c =
        of("MNIST CNN, zero knowledge", ModelBatchedOpenings.mnist());
    Credentials account = node.newAccount(FUNDS);
    OnChainBatchedVerifier verifier = OnChainBatchedVerifier.deploy(node.web3j(), account, PARAMS);
    OnChainBatchedVerifier.StagedPieces p = pieces(c);
    List<byte[]> chunks = p.absorb();
    assertTrue(chunks.size() >= 3, "the statement takes several chunks");
    long chainId = EscrowDeployer.chainId(node.web3j());
    String reducer = verifier.reducerAddress();
    ContractCalls own = new ContractCalls(node.web3j(), account, chainId, reducer);
    List<OnChainOpeningVerifier.Step> steps = new ArrayList<>();
    List<Type> out =
        own.transact(
            "statement 0",
            new Function(
                "stageBegin",
                List.of(
                    new Bytes32(c.start().state().bytes()),
                    new Uint256(p.polynomialCount()),
                    new DynamicBytes(chunks.get(0))),
                List.of(new TypeReference<Bytes32>() {}, new TypeReference<DynamicBytes>() {})),
            steps);
    byte[] id = ((Bytes32) out.get(0)).getValue();
    byte[] first = ((DynamicBytes) out.get(1)).getValue();
    byte[] second = absorb(own, id, first, chunks.get(1), steps);
    // The state before chunk 1, replayed: the stage moved on.
    assertEquals(OpeningRejection.UNKNOWN_SESSION, simulateAbsorb(own, id, first, chunks.get(1)));
    // Another sender with the current state.
    ContractCalls stranger =
        new ContractCalls(node.web3j(), node.newAccount(FUNDS), chainId, reducer);
    assertEquals(
        OpeningRejection.UNKNOWN_SESSION, simulateAbsorb(stranger, id, second, chunks.get(2)));
    // Reducing before the statement is whole: bad claims.
    assertEquals(
        OpeningRejection.BAD_CLAIMS,
        simulate(own, "stageReduce", id, second, p.sections().reduction()));
    // Evaluating before reducing: refused as out of order.
    assertEquals(
        OpeningRejection.UNKNOWN_SESSION,
        simulate(own, "stageEvaluate", id, second, chunks.get(2)));
    // The owner continues, once.
    byte[] third = absorb(own, id, second, chunks.get(2), steps);
    assertTrue(third.length > 0);
    assertEquals(OpeningRejection.UNKNOWN_SESSION, simulateAbsorb(own, id, second, chunks.get(2)));
  }

  private static byte[] absorb(
      ContractCalls calls,
      byte[] id,
      byte[] state,
      byte[] chunk,
      List<OnChainOpeningVerifier.Step> steps)
      throws OnChainOpeningVerifier.OpeningRejectedException {
    List<Type> out =
        calls.transact(
            "absorb",
            new Function(
                "stageAbsorb",
                List.of(new Bytes32(id), new DynamicBytes(state), new DynamicBytes(chunk)),
                List.of(new TypeReference<DynamicBytes>() {})),
            steps);
    return ((DynamicBytes) out.get(0)).getValue();
  }

  private static OpeningRejection simulateAbsorb(
      ContractCalls calls, byte[] id, byte[] state, byte[] chunk) {
    return simulate(calls, "stageAbsorb", id, state, chunk);
  }

  private static OpeningRejection simulate(
      ContractCalls calls, String function, byte[] id, byte[] state, byte[] data) {
    var call =
        calls.ethCall(
            org.web3j.abi.FunctionEncoder.encode(
                new Function(
                    function,
                    List.of(new Bytes32(id), new DynamicBytes(state), new DynamicBytes(data)),
                    List.of())));
    return call.hasError() ? ContractCalls.rejection(call).reason() : OpeningRejection.VALID;
  }
}
