package io.zkaudit.protocols.buyer;

import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import io.zkaudit.hash.Digest32;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.proof.InvalidProofException;
import io.zkaudit.proto.v1.ItemSet;
import io.zkaudit.proto.v1.ListItemSetsRequest;
import io.zkaudit.proto.v1.Predicate;
import io.zkaudit.proto.v1.ProvenItem;
import io.zkaudit.proto.v1.QueryMessage;
import io.zkaudit.proto.v1.QueryRequest;
import io.zkaudit.proto.v1.QuerySummary;
import io.zkaudit.proto.v1.RetrievalGrpc;
import io.zkaudit.protocols.Hex;
import io.zkaudit.protocols.ItemCommitment;
import io.zkaudit.protocols.PartyKey;
import io.zkaudit.protocols.RetrievalPredicates;
import io.zkaudit.protocols.RetrievalStatements;
import io.zkaudit.protocols.Statements;
import io.zkaudit.protocols.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The buyer's side of trustless retrieval, over a {@link BuyerClient}'s connection. Nothing the
 * seller streams is taken on trust: the item set is signed by the seller that registered the model
 * and hashes to its id; every committed item must arrive, once, in order, with a proof that
 * verifies against the registered key for exactly that item's tensor; the items must rebuild the
 * committed Merkle root; each item's match flag must be what the predicate says of its verified
 * output; and the seller must sign the list of matches. Any failure is a BuyerException with reason
 * INVALID_ANSWER naming the check. In a private item set, items are proven about their input
 * commitments and only the matches reveal their tensors ({@link PrivateItems}).
 */
public final class RetrievalClient {
  private final BuyerClient buyer;
  private final long deadlineSeconds;

  /** Told after each item is verified, e.g. to draw a progress bar. */
  public interface Progress {
    void verified(int done, int total);

    Progress NONE = (done, total) -> {};
  }

  public RetrievalClient(BuyerClient buyer, long deadlineSeconds) {
    this.buyer = buyer;
    this.deadlineSeconds = deadlineSeconds;
  }

  /** The seller's item sets, each checked: its id is the hash of its signed statement. */
  public List<ItemSet> itemSets() throws BuyerException {
    List<ItemSet> sets;
    try {
      sets = stub().listItemSets(ListItemSetsRequest.getDefaultInstance()).getItemSetsList();
    } catch (StatusRuntimeException e) {
      throw buyer.failure(e);
    }
    for (ItemSet s : sets) {
      checkSignedSet(s);
    }
    return sets;
  }

  /** A signed query: keep it to send again if the seller fails part way (it resumes). */
  public QueryRequest queryRequest(RegisteredModel model, ItemSet set, Predicate predicate) {
    QueryRequest.Builder b =
        QueryRequest.newBuilder()
            .setQueryId(UUID.randomUUID().toString())
            .setItemSetId(set.getItemSetId())
            .setModelId(model.id())
            .setPredicate(predicate)
            .setRequestedAtMillis(System.currentTimeMillis());
    return b.setBuyerSignature(buyer.key().sign(RetrievalStatements.query(b.build()))).build();
  }

  public RetrievalResult retrieve(
      RegisteredModel model, ItemSet set, Predicate predicate, Progress progress)
      throws BuyerException {
    return retrieve(model, set, queryRequest(model, set, predicate), progress);
  }

  /** Sends the query (new, or sent before) and checks everything the seller streams back. */
  public RetrievalResult retrieve(
      RegisteredModel model, ItemSet set, QueryRequest q, Progress progress) throws BuyerException {
    checkSignedSet(set);
    if (!set.getSellerSignature().getPublicKey().equals(model.sellerKey())) {
      throw invalid(
          "item set "
              + Hex.of(set.getItemSetId())
              + " is not signed by the seller that registered the model");
    }
    TensorSpec in = model.vk().description().tensor(model.verifier().circuit().inputTensor());
    TensorSpec out = model.vk().description().tensor(model.verifier().circuit().outputTensor());
    RetrievalPredicates.problem(q.getPredicate(), out)
        .ifPresent(
            p -> {
              throw new IllegalArgumentException(p);
            });
    if (RetrievalStatements.isPrivate(set.getStatement())
        && !set.getStatement().getPrivateForModel().equals(model.id())) {
      throw new IllegalArgumentException(
          "item set "
              + Hex.of(set.getItemSetId())
              + " holds private items committed for"
              + " model "
              + Hex.of(set.getStatement().getPrivateForModel())
              + ", not "
              + Hex.of(model.id()));
    }
    if (set.getStatement().getValuesPerItem() != in.size()) {
      throw new IllegalArgumentException(
          "the items have "
              + set.getStatement().getValuesPerItem()
              + " values; the model takes "
              + in.size());
    }
    // A cancellable context: when a check fails part way, the call is cancelled, not left
    // streaming.
    Context.CancellableContext context = Context.current().withCancellation();
    Context previous = context.attach();
    try {
      return check(model, set, q, stub().query(q), progress);
    } catch (StatusRuntimeException e) {
      throw buyer.failure(e);
    } finally {
      context.detach(previous);
      context.cancel(null);
    }
  }

  private RetrievalResult check(
      RegisteredModel model,
      ItemSet set,
      QueryRequest q,
      Iterator<QueryMessage> stream,
      Progress progress)
      throws BuyerException {
    int n = set.getStatement().getCount();
    QueryMessage first = next(stream, "a header");
    if (!first.hasHeader()
        || !first.getHeader().getQueryId().equals(q.getQueryId())
        || !first.getHeader().getItemSet().getItemSetId().equals(set.getItemSetId())) {
      throw invalid("the seller's answer does not start with this query and item set");
    }
    boolean hidden = RetrievalStatements.isPrivate(set.getStatement());
    List<byte[]> leaves = new ArrayList<>(n);
    List<RetrievalResult.Match> matches = new ArrayList<>();
    List<Integer> matching = new ArrayList<>();
    QuerySummary summary = null;
    while (summary == null) {
      QueryMessage m = next(stream, "item " + leaves.size() + " of " + n);
      switch (m.getKindCase()) {
        case ITEM -> {
          ProvenItem item = m.getItem();
          int index = leaves.size();
          if (index == n) {
            throw invalid("the seller sent more items than the " + n + " it committed to");
          }
          if (item.getIndex() != index) {
            throw invalid(
                "the seller sent item "
                    + Integer.toUnsignedString(item.getIndex())
                    + " where item "
                    + index
                    + " was due (items are sent once each, in commitment order)");
          }
          int[] tensor;
          int[] output;
          if (hidden) {
            PrivateItems.Verified v = PrivateItems.verify(model, q.getPredicate(), item);
            tensor = v.tensor();
            output = v.output();
            leaves.add(v.leaf());
          } else {
            tensor = Tensors.fromList(item.getTensorList());
            output = verifyItem(model, q.getPredicate(), item, tensor);
            leaves.add(ItemCommitment.leaf(item.getName(), Statements.tensorHash(tensor)));
          }
          if (item.getMatches()) {
            matching.add(index);
            matches.add(new RetrievalResult.Match(index, item.getName(), tensor, output));
          }
          progress.verified(index + 1, n);
        }
        case SUMMARY -> summary = m.getSummary();
        case HEADER -> throw invalid("the seller sent a second header");
        case KIND_NOT_SET -> throw invalid("the seller sent an empty message");
      }
    }
    if (leaves.size() < n) {
      throw invalid(
          "incomplete: the seller proved " + leaves.size() + " of the " + n + " committed items");
    }
    if (!Arrays.equals(
        ItemCommitment.root(leaves), set.getStatement().getMerkleRoot().toByteArray())) {
      throw invalid(
          "the proven items are not the committed set: their Merkle root differs from the committed"
              + " one");
    }
    if (!summary.getMatchingIndexesList().equals(matching)) {
      throw invalid("the seller's summary lists other matches than its proven items");
    }
    if (!summary.getSellerSignature().getPublicKey().equals(model.sellerKey())
        || !PartyKey.verify(
            summary.getSellerSignature(), RetrievalStatements.result(q, matching))) {
      throw invalid("the list of matches is not signed by the seller");
    }
    if (stream.hasNext()) {
      throw invalid("the seller sent messages after its summary");
    }
    return new RetrievalResult(set, q, matches, n, summary);
  }

  /**
   * Verifies one item's proof for its own tensor and checks its match flag; returns the verified
   * output.
   */
  private static int[] verifyItem(
      RegisteredModel model, Predicate predicate, ProvenItem item, int[] tensor)
      throws BuyerException {
    int i = item.getIndex();
    ModelProof proof;
    try {
      proof = ModelProof.decode(item.getProof().toByteArray());
    } catch (InvalidProofException e) {
      throw invalid("item " + i + ": invalid proof: " + e.getMessage());
    }
    if (!proof.model().equals(new Digest32(model.id().toByteArray()))) {
      throw invalid("item " + i + ": the proof is for another model");
    }
    int[] output;
    try {
      // With the tensor: the verifier also checks that the committed input is this tensor.
      output = model.verifier().verify(proof, tensor);
    } catch (InvalidProofException e) {
      throw invalid("item " + i + ": invalid proof: " + e.getMessage());
    }
    if (RetrievalPredicates.matches(predicate, output) != item.getMatches()) {
      throw invalid(
          "item "
              + i
              + " ("
              + item.getName()
              + "): the seller says it "
              + (item.getMatches() ? "matches" : "does not match")
              + " but its proven output says otherwise");
    }
    return output;
  }

  private static void checkSignedSet(ItemSet s) throws BuyerException {
    if (!Arrays.equals(
        RetrievalStatements.itemSetId(s.getStatement()), s.getItemSetId().toByteArray())) {
      throw invalid(
          "item set " + Hex.of(s.getItemSetId()) + ": its id is not the hash of its statement");
    }
    if (!PartyKey.verify(s.getSellerSignature(), RetrievalStatements.itemSet(s.getStatement()))) {
      throw invalid("item set " + Hex.of(s.getItemSetId()) + ": the seller's signature is invalid");
    }
  }

  private static QueryMessage next(Iterator<QueryMessage> stream, String expected)
      throws BuyerException {
    if (!stream.hasNext()) {
      throw invalid("incomplete: the seller's answer ended where " + expected + " was due");
    }
    return stream.next();
  }

  private RetrievalGrpc.RetrievalBlockingStub stub() {
    return RetrievalGrpc.newBlockingStub(buyer.channel())
        .withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS);
  }

  static BuyerException invalid(String message) {
    return new BuyerException(BuyerException.Reason.INVALID_ANSWER, message);
  }
}
