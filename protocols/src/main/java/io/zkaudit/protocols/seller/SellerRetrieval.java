package io.zkaudit.protocols.seller;

import com.google.protobuf.ByteString;
import io.zkaudit.inference.InputCommitment;
import io.zkaudit.inference.ModelProof;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.proto.v1.ItemSet;
import io.zkaudit.proto.v1.ItemSetStatement;
import io.zkaudit.proto.v1.ModelEntry;
import io.zkaudit.proto.v1.ProvenItem;
import io.zkaudit.proto.v1.QueryHeader;
import io.zkaudit.proto.v1.QueryMessage;
import io.zkaudit.proto.v1.QueryRequest;
import io.zkaudit.proto.v1.QuerySummary;
import io.zkaudit.protocols.Hex;
import io.zkaudit.protocols.ItemCommitment;
import io.zkaudit.protocols.PartyKey;
import io.zkaudit.protocols.RetrievalPredicates;
import io.zkaudit.protocols.RetrievalStatements;
import io.zkaudit.protocols.Statements;
import io.zkaudit.protocols.Tensors;
import io.zkaudit.prover.inference.CommittedModel;
import io.zkaudit.prover.inference.InputSeeds;
import io.zkaudit.prover.inference.ProverException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The seller's side of trustless retrieval, independent of the transport: commits to item sets,
 * validates queries, and answers each with every committed item and a proof of the model's output
 * on it. Proofs are stored per (model, item) as they are made, so a query cut short (a crash, a
 * buyer gone) costs nothing twice: the next query of that model over that set, or the same request
 * sent again, proves only the items still missing. A set of private items ({@link #commitPrivate})
 * is answered with proofs about each item's input commitment, and only the matching items' tensors
 * (with their commitments' seeds) are sent.
 */
public final class SellerRetrieval {
  public static final int MAX_ITEMS = 10_000;
  static final int MAX_NAME = 200;
  private static final Pattern QUERY_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private final Seller seller;
  private final RetrievalStore store;

  public SellerRetrieval(Seller seller, RetrievalStore store) {
    this.seller = seller;
    this.store = store;
  }

  public RetrievalStore store() {
    return store;
  }

  /** An item to commit: a name (e.g. its file) and the model's quantized input tensor. */
  public record Item(String name, int[] tensor) {}

  /** Where a query's messages go; the gRPC service streams them, tests may collect them. */
  public interface Sink {
    void send(QueryMessage message);

    /** True once the buyer has gone: the seller stops proving (what it proved is kept). */
    boolean cancelled();
  }

  /**
   * Commits to the items in this order and signs the commitment. Committing the same items under
   * the same name again (a restarted seller) finds the stored set: the id depends only on them.
   */
  public ItemSet commit(String name, List<Item> items) {
    int values = checkItems(name, items);
    List<byte[]> leaves = new ArrayList<>();
    for (Item item : items) {
      leaves.add(ItemCommitment.leaf(item.name(), Statements.tensorHash(item.tensor())));
    }
    ItemSetStatement s =
        ItemSetStatement.newBuilder()
            .setName(name)
            .setCount(items.size())
            .setValuesPerItem(values)
            .setMerkleRoot(ByteString.copyFrom(ItemCommitment.root(leaves)))
            .build();
    return store(s, items, List.of());
  }

  /**
   * Commits to private items for one registered, loaded model: each leaf holds the item's input
   * commitment under that model, with randomness derived from the seller's hiding key (the same
   * items, model and key give the same set), so that a query's non-matching items are proven
   * without their tensors. {@code progress} is told after each item is committed.
   */
  public ItemSet commitPrivate(
      String name,
      List<Item> items,
      CommittedModel model,
      byte[] hidingKey,
      java.util.function.IntConsumer progress) {
    int values = checkItems(name, items);
    ByteString modelId = ByteString.copyFrom(model.vk().digest().bytes());
    seller.model(
        modelId); // registered (NOT_FOUND otherwise): buyers verify with its registered key
    TensorSpec in = model.model().description().tensor(model.circuit().inputTensor());
    if (values != in.size()) {
      throw RequestRejected.invalid(
          "items: each has " + values + " values, the model takes " + in.size());
    }
    List<byte[]> leaves = new ArrayList<>();
    List<RetrievalStore.ItemCommitmentRecord> commitments = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      int[] tensor = items.get(i).tensor();
      byte[] seed = InputSeeds.seed(model, tensor, hidingKey);
      InputCommitment c;
      try {
        c = InputSeeds.commit(model, tensor, seed).commitment();
      } catch (ProverException e) {
        throw RequestRejected.invalid("items[" + i + "]: " + e.getMessage());
      }
      leaves.add(ItemCommitment.leaf(items.get(i).name(), c.digest().bytes()));
      commitments.add(
          new RetrievalStore.ItemCommitmentRecord(c.encode(), c.digest().bytes(), seed));
      progress.accept(i + 1);
    }
    ItemSetStatement s =
        ItemSetStatement.newBuilder()
            .setName(name)
            .setCount(items.size())
            .setValuesPerItem(values)
            .setPrivateForModel(modelId)
            .setMerkleRoot(ByteString.copyFrom(ItemCommitment.root(leaves)))
            .build();
    return store(s, items, commitments);
  }

  /** Checks the name and items and returns the values per item. */
  private static int checkItems(String name, List<Item> items) {
    if (name.isBlank() || name.length() > MAX_NAME) {
      throw RequestRejected.invalid("name: 1 to " + MAX_NAME + " characters");
    }
    if (items.isEmpty() || items.size() > MAX_ITEMS) {
      throw RequestRejected.invalid("items: 1 to " + MAX_ITEMS + " items");
    }
    int values = items.get(0).tensor().length;
    for (int i = 0; i < items.size(); i++) {
      Item item = items.get(i);
      if (item.name().isEmpty() || item.name().length() > MAX_NAME) {
        throw RequestRejected.invalid("items[" + i + "].name: 1 to " + MAX_NAME + " characters");
      }
      if (item.tensor().length != values || values == 0) {
        throw RequestRejected.invalid(
            "items["
                + i
                + "].tensor: every item has the same number of values ("
                + values
                + "), not "
                + item.tensor().length);
      }
    }
    return values;
  }

  /** Signs and stores the set, or finds it stored (the id depends only on the statement). */
  private ItemSet store(
      ItemSetStatement s, List<Item> items, List<RetrievalStore.ItemCommitmentRecord> commitments) {
    List<ItemRecord> records = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      records.add(new ItemRecord(i, items.get(i).name(), items.get(i).tensor().clone()));
    }
    byte[] id = RetrievalStatements.itemSetId(s);
    synchronized (this) {
      Optional<ItemSet> existing = store.itemSet(id);
      if (existing.isPresent()) {
        return existing.get();
      }
      ItemSet set =
          ItemSet.newBuilder()
              .setItemSetId(ByteString.copyFrom(id))
              .setStatement(s)
              .setSellerSignature(seller.key().sign(RetrievalStatements.itemSet(s)))
              .setCommittedAtMillis(seller.config().clock().millis())
              .build();
      store.putItemSet(set, records, commitments);
      return set;
    }
  }

  public List<ItemSet> itemSets() {
    return store.itemSets();
  }

  /**
   * Answers a query: a header, every committed item in order with its proof, and the signed list of
   * matches. The query is stored before any proving; the same signed request sent again (a retry
   * after a failure) resumes it, any other request with a used query id is refused.
   */
  public void query(QueryRequest q, Sink sink) {
    Valid v = validate(q);
    byte[] setId = q.getItemSetId().toByteArray();
    byte[] modelId = q.getModelId().toByteArray();
    sink.send(
        QueryMessage.newBuilder()
            .setHeader(QueryHeader.newBuilder().setQueryId(q.getQueryId()).setItemSet(v.set))
            .build());
    List<Integer> matching = new ArrayList<>();
    int n = v.set.getStatement().getCount();
    boolean hidden = RetrievalStatements.isPrivate(v.set.getStatement());
    for (int i = 0; i < n; i++) {
      if (sink.cancelled()) {
        return;
      }
      ItemRecord item = store.item(setId, i);
      RetrievalStore.ItemCommitmentRecord c = hidden ? store.commitment(setId, i) : null;
      RetrievalStore.ItemProof proof = proof(v.model, modelId, setId, item, c);
      boolean matches = RetrievalPredicates.matches(q.getPredicate(), proof.output());
      if (matches) {
        matching.add(i);
      }
      ProvenItem.Builder b =
          ProvenItem.newBuilder()
              .setIndex(i)
              .setName(item.name())
              .setMatches(matches)
              .setProof(ByteString.copyFrom(proof.proof()));
      if (c != null) {
        b.setInputCommitment(ByteString.copyFrom(c.commitment()));
      }
      // A private set's non-matching items stay private: their commitment and proof, no tensor.
      if (c == null || matches) {
        b.addAllTensor(Tensors.toList(item.tensor()));
      }
      if (c != null && matches) {
        b.setInputSeed(ByteString.copyFrom(c.seed()));
      }
      sink.send(QueryMessage.newBuilder().setItem(b).build());
    }
    store.closeQuery(q.getQueryId(), seller.config().clock().millis());
    sink.send(
        QueryMessage.newBuilder()
            .setSummary(
                QuerySummary.newBuilder()
                    .addAllMatchingIndexes(matching)
                    .setSellerSignature(seller.key().sign(RetrievalStatements.result(q, matching))))
            .build());
  }

  /**
   * The stored proof of the model's output on the item, made and stored first if missing: about the
   * item's tensor, or with its commitment {@code c} (a private set) about that commitment, the
   * committed input rebuilt from the stored seed (no hiding key needed).
   */
  private RetrievalStore.ItemProof proof(
      CommittedModel model,
      byte[] modelId,
      byte[] setId,
      ItemRecord item,
      RetrievalStore.ItemCommitmentRecord c) {
    var stored = store.proof(modelId, setId, item.position());
    if (stored.isPresent()) {
      return stored.get();
    }
    ModelProof p;
    try {
      p =
          c == null
              ? seller.proving().proveOne(model, item.tensor())
              : seller
                  .proving()
                  .proveCommitted(model, InputSeeds.commit(model, item.tensor(), c.seed()));
    } catch (ProverException e) {
      throw new RequestRejected(
          RequestRejected.Reason.FAILED,
          "the seller cannot prove item " + item.position() + ": " + e.getMessage());
    }
    RetrievalStore.ItemProof proof = new RetrievalStore.ItemProof(p.output(), p.encode());
    store.putProof(modelId, setId, item.position(), proof);
    return proof;
  }

  /**
   * Proves, on a restarted seller, the items still missing for queries that were cut short, so that
   * each buyer's retry finds its answer ready (the query itself is closed when a buyer is sent the
   * whole answer). Queries whose model this process does not hold are left alone. Returns the
   * number of proofs made; the caller runs it on a thread of its choice.
   */
  public int resumeOpenQueries() {
    int made = 0;
    for (QueryRequest q : store.openQueries()) {
      CommittedModel model;
      try {
        model = seller.registry().loadedModel(q.getModelId());
      } catch (RequestRejected notLoaded) {
        continue;
      }
      byte[] setId = q.getItemSetId().toByteArray();
      byte[] modelId = q.getModelId().toByteArray();
      ItemSetStatement set =
          store
              .itemSet(setId)
              .orElseThrow(
                  () ->
                      new StoreException(
                          "query " + q.getQueryId() + " names a missing item set", null))
              .getStatement();
      int n = set.getCount();
      boolean hidden = RetrievalStatements.isPrivate(set);
      for (int i = 0; i < n; i++) {
        if (store.proof(modelId, setId, i).isEmpty()) {
          proof(
              model,
              modelId,
              setId,
              store.item(setId, i),
              hidden ? store.commitment(setId, i) : null);
          made++;
        }
      }
    }
    return made;
  }

  private record Valid(ItemSet set, CommittedModel model) {}

  private Valid validate(QueryRequest q) {
    if (!QUERY_ID.matcher(q.getQueryId()).matches()) {
      throw RequestRejected.invalid("query_id: 1 to 64 letters, digits, '-' or '_'");
    }
    if (q.getItemSetId().size() != 32) {
      throw RequestRejected.invalid("item_set_id: 32 bytes, not " + q.getItemSetId().size());
    }
    ModelEntry entry = seller.model(q.getModelId());
    CommittedModel model = seller.registry().loadedModel(entry.getModelId());
    TensorSpec out = model.model().description().tensor(model.circuit().outputTensor());
    RetrievalPredicates.problem(q.getPredicate(), out)
        .ifPresent(
            p -> {
              throw RequestRejected.invalid(p);
            });
    if (!q.hasBuyerSignature()
        || !PartyKey.verify(q.getBuyerSignature(), RetrievalStatements.query(q))) {
      throw RequestRejected.denied("buyer_signature: missing or not over this request");
    }
    // Counted against the buyer key's request rate (after its signature, so nobody spends
    // another's).
    // Its proofs are made once per item and model and kept, so a query costs at most the set's size
    // once.
    seller.quotas().request(q.getBuyerSignature().getPublicKey());
    ItemSet set =
        store
            .itemSet(q.getItemSetId().toByteArray())
            .orElseThrow(
                () ->
                    RequestRejected.notFound(
                        "item_set_id: no item set "
                            + HexFormat.of().formatHex(q.getItemSetId().toByteArray())
                            + " is committed"));
    if (RetrievalStatements.isPrivate(set.getStatement())
        && !set.getStatement().getPrivateForModel().equals(entry.getModelId())) {
      throw new RequestRejected(
          RequestRejected.Reason.NOT_READY,
          "item_set_id: its private items are committed for model "
              + Hex.of(set.getStatement().getPrivateForModel())
              + ", not "
              + Hex.of(entry.getModelId()));
    }
    TensorSpec in = model.model().description().tensor(model.circuit().inputTensor());
    if (set.getStatement().getValuesPerItem() != in.size()) {
      throw new RequestRejected(
          RequestRejected.Reason.NOT_READY,
          "item_set_id: its items have "
              + set.getStatement().getValuesPerItem()
              + " values, model "
              + Hex.of(entry.getModelId())
              + " takes "
              + in.size());
    }
    synchronized (this) {
      Optional<QueryRecord> existing = store.query(q.getQueryId());
      if (existing.isPresent()) {
        // The same signed request again (a retry, or a replay: either way the same answer).
        if (!existing.get().request().equals(q)) {
          throw new RequestRejected(
              RequestRejected.Reason.DUPLICATE, "query_id: " + q.getQueryId() + " was used");
        }
        return new Valid(set, model);
      }
      long now = seller.config().clock().millis();
      if (!Freshness.fresh(now, q.getRequestedAtMillis(), seller.config().clockSkew())) {
        throw RequestRejected.invalid(
            "requested_at_millis: more than "
                + seller.config().clockSkew().toSeconds()
                + " s from the seller's clock (a stale or replayed request)");
      }
      store.putQuery(q);
    }
    return new Valid(set, model);
  }
}
