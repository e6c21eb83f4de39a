package io.zkaudit.prover.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.inference.InferenceStatement;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.inference.ModelVerifier;
import io.zkaudit.pcs.PcsParams;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.prover.model.QuantizedModel;
import io.zkaudit.soundness.RoundError;
import io.zkaudit.soundness.SoundnessReport;
import io.zkaudit.testutil.ResNet8;
import java.nio.ByteBuffer;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Proof format 6 (issue 14): every kind of round of a model proof is at >= 100 provable bits, the
 * calculator says which round is weakest, and proofs of the formats whose figures were lower are
 * refused by name.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProofSoundnessTest {
  private CommittedModel cm;
  private ModelVerifier verifier;
  private int[] input;
  private ModelProof proof;

  @BeforeAll
  void prove() throws Exception {
    QuantizedModel m = ResNet8.model();
    input = ResNet8.inputs(m, 1).getFirst();
    cm = ModelProver.commit(m);
    verifier = new ModelVerifier(cm.vk());
    proof = ModelProver.prove(cm, input, ProgressListener.NONE);
  }

  @Test
  void everyRoundOfEveryKindOfProofIsAtLeast100ProvableBits() throws Exception {
    for (boolean[] mode : new boolean[][] {{true, false}, {false, false}, {true, true}}) {
      SoundnessReport s = verifier.soundness(mode[0], mode[1]);
      for (RoundError r : s.rounds()) {
        assertTrue(r.bits() >= 100, s.proof() + ": " + r);
      }
      // The weakest round is a query phase at 124 queries (unique decoding): 100.08 bits.
      assertEquals("queries", s.weakest().round().replace("the opening's ", ""), s.table());
      assertEquals(100.08, s.bits(), 0.005, s.table());
      assertTrue(s.rounds().stream().anyMatch(r -> r.protocol().startsWith("lookup 0")), s.table());
      assertEquals(
          mode[0],
          s.rounds().stream().anyMatch(r -> r.protocol().contains("weight shadow")),
          s.table());
      assertEquals(
          mode[1],
          s.rounds().stream().anyMatch(r -> r.protocol().contains("input shadow")),
          s.table());
    }
    assertThrows(InvalidProofException.class, () -> verifier.soundness(false, true));
  }

  @Test
  void theOpeningsCarryTheProvableQueryCount() throws Exception {
    assertEquals(PcsParams.provable100(), InferenceStatement.pcsParams());
    assertEquals(PcsParams.provable100(), InferenceStatement.longLivedPcsParams());
    int[] sizes = batchedSizes();
    assertTrue(
        io.zkaudit.pcs.BatchedOpeningProof.decode(proof.opening(), PcsParams.provable100(), sizes)
            != null);
    // The same bytes do not decode as an opening with format 5's 42 queries.
    assertThrows(
        InvalidProofException.class,
        () ->
            io.zkaudit.pcs.BatchedOpeningProof.decode(
                proof.opening(), PcsParams.conjectured100(), sizes));
    assertArrayEquals(
        verifier.verify(proof, input), verifier.verify(ModelProof.decode(proof.encode()), input));
  }

  /**
   * The sizes of the polynomials in the proof's batched opening, largest first (ProofOpenings'
   * plan).
   */
  private int[] batchedSizes() {
    java.util.List<Integer> sizes = new java.util.ArrayList<>();
    for (io.zkaudit.pcs.Commitment c : proof.witness()) {
      sizes.add(c.numVars());
    }
    sizes.add(proof.zeroKnowledge() ? proof.shadow().numVars() : cm.vk().weights().numVars());
    int[] all = sizes.stream().mapToInt(Integer::intValue).toArray();
    io.zkaudit.inference.ProofOpenings.Plan plan =
        io.zkaudit.inference.ProofOpenings.plan(
            PcsParams.provable100(),
            all,
            java.util.Collections.nCopies(all.length, PcsParams.provable100()));
    assertEquals(0, plan.alone().length, "every polynomial of this model joins the batch");
    return java.util.Arrays.stream(plan.batched()).map(k -> all[k]).toArray();
  }

  @Test
  void olderAndNewerFormatsAreRefusedByVersion() {
    // Every earlier format since 4, and the next one.
    int[] versions =
        java.util.stream.IntStream.concat(
                java.util.stream.IntStream.range(4, ModelProof.VERSION),
                java.util.stream.IntStream.of(ModelProof.VERSION + 1))
            .toArray();
    assertEquals(ModelProof.VERSION - 3, versions.length);
    for (int version : versions) {
      byte[] bytes = proof.encode();
      ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(4, version);
      InvalidProofException e =
          assertThrows(InvalidProofException.class, () -> ModelProof.decode(bytes));
      assertTrue(e.getMessage().contains("version " + version), e.getMessage());
      assertTrue(
          e.getMessage()
              .contains(version < ModelProof.VERSION ? "no longer accepted" : "update zkaudit"),
          e.getMessage());
    }
  }

  @Test
  void theSectionsAddUpToTheProof() {
    Map<String, Integer> sections = proof.sectionSizes();
    assertEquals(
        proof.encode().length, sections.values().stream().mapToInt(Integer::intValue).sum());
    assertTrue(
        sections.get("batched opening") > sections.get("lookups (logUp-GKR)"), sections.toString());
    assertTrue(sections.values().stream().allMatch(v -> v > 0), sections.toString());
  }

  /**
   * The range lookup reads [c1 | c2] at (ρ', b) (InferenceStatement.rangePair) and the proof says
   * c1(ρ'); c2(ρ') is derived. A false c1(ρ') at any layer, or a lookup over the halves swapped
   * (range-checking c2 where c1 is claimed), is rejected.
   */
  @Test
  void theRangePairsClaimsBindBothHalves() throws Exception {
    int layers = cm.zkCircuit().layers().size();
    assertEquals(3 * layers, proof.rangeEvals().length);
    for (int k : new int[] {0, layers / 2, layers - 1}) {
      io.zkaudit.field.Ext2[] evals = proof.rangeEvals();
      evals[3 * k + 2] = evals[3 * k + 2].add(io.zkaudit.field.Ext2.ONE);
      ModelProof altered = proof.edit().rangeEvals(evals).build();
      int layer = k;
      assertThrows(
          InvalidProofException.class,
          () -> verifier.verify(altered, input),
          "c1 at the range point, layer " + layer);
    }
    int mid = layers / 2;
    ModelProof swapped =
        CheatingProver.alteringWitness(
            cm,
            input,
            w -> {
              long[] pair = w.lookups.get(1).groups().get(mid)[0];
              int half = pair.length / 2;
              for (int i = 0; i < half; i++) {
                long t = pair[i];
                pair[i] = pair[half + i];
                pair[half + i] = t;
              }
            });
    assertThrows(
        InvalidProofException.class, () -> verifier.verify(swapped, input), "halves swapped");
  }
}
