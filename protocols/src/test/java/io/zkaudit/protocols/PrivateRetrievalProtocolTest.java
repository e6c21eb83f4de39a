package io.zkaudit.protocols;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.zkaudit.inference.InputCommitment;
import io.zkaudit.proto.v1.ItemSet;
import io.zkaudit.proto.v1.Predicate;
import io.zkaudit.proto.v1.ProvenItem;
import io.zkaudit.proto.v1.QueryMessage;
import io.zkaudit.protocols.buyer.BuyerClient;
import io.zkaudit.protocols.buyer.BuyerException;
import io.zkaudit.protocols.buyer.RegisteredModel;
import io.zkaudit.protocols.buyer.RetrievalClient;
import io.zkaudit.protocols.buyer.RetrievalResult;
import io.zkaudit.protocols.seller.AnswerProver;
import io.zkaudit.protocols.seller.SellerRetrieval;
import io.zkaudit.protocols.seller.SellerStore;
import io.zkaudit.prover.inference.InputSeeds;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trustless retrieval over private items, over real sockets and a real H2 file: a seller commits
 * four CIFAR-10 images behind input commitments for ResNet-8 (each proven once, about its
 * commitment, then reused from the store); the buyer gets the matches' tensors and, for the others,
 * only commitments and zero-knowledge proofs. A cheating proxy alters the honest answer in each way
 * a seller could use the hidden tensors to lie.
 */
class PrivateRetrievalProtocolTest {
  @TempDir static Path shared;

  private static final byte[] HIDING_KEY =
      "the seller's 32-byte hiding key!".getBytes(StandardCharsets.US_ASCII);
  private static SellerFixture seller;
  private static ItemSet committed;
  private static List<SellerRetrieval.Item> items;
  private static int target;

  @BeforeAll
  static void start() throws Exception {
    seller =
        SellerFixture.start(
            PartyKey.generate(),
            SellerStore.h2FileUrl(shared.resolve("seller")),
            AnswerProver.HONEST,
            PartyKey.generate(),
            c -> c);
    items = CifarItems.items(0, 1, 2, 4);
    AtomicInteger committedItems = new AtomicInteger();
    committed =
        seller
            .server
            .retrieval()
            .commitPrivate(
                "cifar10-private-4", items, Resnet8.model(), HIDING_KEY, committedItems::set);
    assertEquals(4, committedItems.get());
    target = RetrievalProtocolTest.argmax(items.get(0).tensor());
  }

  @AfterAll
  static void stop() {
    if (seller != null) {
      seller.close();
    }
  }

  private static List<Integer> expectedMatches() throws Exception {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      if (RetrievalProtocolTest.argmax(items.get(i).tensor()) == target) out.add(i);
    }
    return out;
  }

  private static Predicate argmaxIs(int k) {
    return Predicate.newBuilder().setArgmaxIs(k).build();
  }

  @Test
  void theBuyerGetsExactlyTheMatchesAndNothingOfTheOtherItems() throws Exception {
    List<ProvenItem> seen = new ArrayList<>();
    // A proxy that passes the honest answer on unchanged, to see what the buyer was sent.
    try (var proxy =
            new CheatingRetrievalProxy(
                seller.server.port(),
                null,
                (q, ms) -> {
                  ms.stream().filter(QueryMessage::hasItem).forEach(m -> seen.add(m.getItem()));
                  return ms;
                });
        BuyerClient buyer = new BuyerClient("localhost", proxy.port(), PartyKey.generate(), 300)) {
      RetrievalClient r = new RetrievalClient(buyer, 300);
      assertEquals(List.of(committed), r.itemSets());
      RegisteredModel m = buyer.models().get(0);
      assertEquals(m.id(), committed.getStatement().getPrivateForModel());
      RetrievalResult result =
          r.retrieve(m, committed, argmaxIs(target), RetrievalClient.Progress.NONE);
      assertEquals(4, result.proven());
      List<Integer> expected = expectedMatches();
      assertTrue(expected.size() < 4, "some item does not match: " + expected);
      assertEquals(expected, result.matches().stream().map(RetrievalResult.Match::index).toList());
      for (RetrievalResult.Match x : result.matches()) {
        assertArrayEquals(items.get(x.index()).tensor(), x.tensor());
        assertEquals(items.get(x.index()).name(), x.name());
      }
      assertEquals(4, seen.size());
      for (ProvenItem i : seen) {
        assertEquals(
            !expected.contains(i.getIndex()),
            i.getTensorCount() == 0,
            "tensor of item " + i.getIndex());
        assertEquals(
            !expected.contains(i.getIndex()),
            i.getInputSeed().isEmpty(),
            "seed of item " + i.getIndex());
        assertTrue(!i.getInputCommitment().isEmpty());
      }
    }
    assertEquals(
        4,
        seller
            .server
            .retrieval()
            .store()
            .provenCount(
                committed.getStatement().getPrivateForModel().toByteArray(),
                committed.getItemSetId().toByteArray()));
  }

  @Test
  void theModesHaveTheirOwnIdsAndSignedBytes() throws Exception {
    ItemSet again =
        seller
            .server
            .retrieval()
            .commitPrivate("cifar10-private-4", items, Resnet8.model(), HIDING_KEY, i -> {});
    assertEquals(committed, again, "the same items, model and key: the stored set");
    ItemSet open = seller.server.retrieval().commit("cifar10-private-4", items);
    assertNotEquals(open.getItemSetId(), committed.getItemSetId());
    // The private statement read as a public one hashes to another id: the buyer refuses it.
    ItemSet stripped =
        committed.toBuilder()
            .setStatement(committed.getStatement().toBuilder().clearPrivateForModel())
            .build();
    assertNotEquals(RetrievalStatements.itemSet(stripped.getStatement()).length, 0);
    RegisteredModel m = seller.buyer.models().get(0);
    BuyerException e =
        assertThrows(
            BuyerException.class,
            () ->
                new RetrievalClient(seller.buyer, 60)
                    .retrieve(m, stripped, argmaxIs(target), RetrievalClient.Progress.NONE));
    assertCaught(e, "its id is not the hash of its statement");
  }

  /**
   * Runs a query through a cheating proxy (re-signing the matches with the seller's key) and
   * returns the rejection.
   */
  private static BuyerException cheat(CheatingRetrievalProxy.Tamper tamper) throws Exception {
    try (var proxy = new CheatingRetrievalProxy(seller.server.port(), seller.sellerKey, tamper);
        BuyerClient buyer = new BuyerClient("localhost", proxy.port(), PartyKey.generate(), 300)) {
      RetrievalClient r = new RetrievalClient(buyer, 300);
      RegisteredModel m = buyer.models().get(0);
      return assertThrows(
          BuyerException.class,
          () -> r.retrieve(m, committed, argmaxIs(target), RetrievalClient.Progress.NONE));
    }
  }

  private static void assertCaught(BuyerException e, String reason) {
    assertEquals(BuyerException.Reason.INVALID_ANSWER, e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }

  private static int at(List<QueryMessage> ms, boolean matching, int skip) {
    for (int i = 0; i < ms.size(); i++) {
      if (ms.get(i).hasItem() && ms.get(i).getItem().getMatches() == matching && skip-- == 0)
        return i;
    }
    throw new AssertionError("no such " + (matching ? "" : "non-") + "matching item");
  }

  private static QueryMessage item(ProvenItem i) {
    return QueryMessage.newBuilder().setItem(i).build();
  }

  @Test
  void aNonMatchingItemProvenAboutAnotherCommitmentIsCaught() throws Exception {
    // The committed commitment, and a (valid, non-matching) proof about another item's commitment.
    assertCaught(
        cheat(
            (q, ms) -> {
              List<QueryMessage> out = new ArrayList<>(ms);
              int no = at(ms, false, 0);
              int other = no == at(ms, true, 0) + 1 ? no - 1 : no + 1;
              ProvenItem i = ms.get(no).getItem();
              out.set(no, item(i.toBuilder().setProof(ms.get(other).getItem().getProof()).build()));
              return out;
            }),
        "invalid proof"); // the proof names no commitment: verified against the item's, it fails
  }

  @Test
  void aMatchWithAWrongSeedIsCaught() throws Exception {
    assertCaught(
        cheat(
            (q, ms) -> {
              List<QueryMessage> out = new ArrayList<>(ms);
              int yes = at(ms, true, 0);
              ProvenItem i = ms.get(yes).getItem();
              byte[] seed = i.getInputSeed().toByteArray();
              seed[5] ^= 1;
              out.set(yes, item(i.toBuilder().setInputSeed(ByteString.copyFrom(seed)).build()));
              return out;
            }),
        "the revealed tensor is not the committed one");
  }

  @Test
  void aMatchWhoseTensorIsNotTheCommittedOneIsCaught() throws Exception {
    // Another image in place of the committed one (its own seed, so its own valid commitment).
    assertCaught(
        cheat(
            (q, ms) -> {
              List<QueryMessage> out = new ArrayList<>(ms);
              int yes = at(ms, true, 0);
              ProvenItem i = ms.get(yes).getItem();
              int[] other = items.get((i.getIndex() + 2) % items.size()).tensor();
              byte[] seed = InputSeeds.seed(Resnet8.model(), other, HIDING_KEY);
              out.set(
                  yes,
                  item(
                      i.toBuilder()
                          .clearTensor()
                          .addAllTensor(Tensors.toList(other))
                          .setInputSeed(ByteString.copyFrom(seed))
                          .build()));
              return out;
            }),
        "the revealed tensor is not the committed one");
    // One value changed, the honest seed.
    assertCaught(
        cheat(
            (q, ms) -> {
              List<QueryMessage> out = new ArrayList<>(ms);
              int yes = at(ms, true, 0);
              ProvenItem i = ms.get(yes).getItem();
              int[] t = Tensors.fromList(i.getTensorList());
              t[7] = t[7] == 0 ? 1 : 0;
              out.set(
                  yes, item(i.toBuilder().clearTensor().addAllTensor(Tensors.toList(t)).build()));
              return out;
            }),
        "the revealed tensor is not the committed one");
  }

  @Test
  void aMatchHiddenAsANonMatchIsCaught() throws Exception {
    assertCaught(
        cheat(
            (q, ms) -> {
              List<QueryMessage> out = new ArrayList<>(ms);
              int yes = at(ms, true, 0);
              ProvenItem i = ms.get(yes).getItem();
              out.set(
                  yes,
                  item(i.toBuilder().setMatches(false).clearTensor().clearInputSeed().build()));
              return out;
            }),
        "the seller says it does not match but its proven output says otherwise");
  }

  @Test
  void aCommitmentThatIsNotTheLeafsIsCaught() throws Exception {
    // A non-matching item replaced by another committed item's commitment and proof (both valid,
    // and consistent with each other): only the Merkle root shows the swap.
    assertCaught(
        cheat(
            (q, ms) -> {
              List<QueryMessage> out = new ArrayList<>(ms);
              int no = at(ms, false, 0);
              int other = no == at(ms, true, 0) + 1 ? no - 1 : no + 1;
              ProvenItem src = ms.get(other).getItem();
              ProvenItem i =
                  ms.get(no).getItem().toBuilder()
                      .setProof(src.getProof())
                      .setInputCommitment(src.getInputCommitment())
                      .setMatches(src.getMatches())
                      .clearTensor()
                      .addAllTensor(src.getTensorList())
                      .setInputSeed(src.getInputSeed())
                      .build();
              out.set(no, item(i));
              return out;
            }),
        "not the committed set");
  }

  @Test
  void aGarbledCommitmentIsCaught() throws Exception {
    assertCaught(
        cheat(
            (q, ms) -> {
              List<QueryMessage> out = new ArrayList<>(ms);
              int no = at(ms, false, 0);
              out.set(
                  no,
                  item(
                      ms.get(no).getItem().toBuilder()
                          .setInputCommitment(ByteString.copyFromUtf8("ZKIC?"))
                          .build()));
              return out;
            }),
        "invalid input commitment");
  }

  @Test
  void theSeedsAndCommitmentsAreTheProversOwn() throws Exception {
    // What the seller stored opens with the prover's API: the commitment of item 0 is
    // commitInput's.
    var record =
        seller.server.retrieval().store().commitment(committed.getItemSetId().toByteArray(), 0);
    InputCommitment c = InputCommitment.decode(record.commitment());
    assertEquals(
        io.zkaudit.prover.inference.ModelProver.commitInput(
                Resnet8.model(), items.get(0).tensor(), HIDING_KEY)
            .commitment(),
        c);
    assertArrayEquals(c.digest().bytes(), record.digest());
  }
}
