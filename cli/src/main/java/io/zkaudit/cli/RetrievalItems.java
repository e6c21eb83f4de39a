package io.zkaudit.cli;

import io.zkaudit.model.TensorSpec;
import io.zkaudit.proto.v1.ItemSet;
import io.zkaudit.protocols.seller.RequestRejected;
import io.zkaudit.protocols.seller.SellerServer;
import io.zkaudit.prover.inference.CommittedModel;
import java.io.PrintWriter;
import java.util.HexFormat;

/** {@code seller serve --items}: the seller commits to an item set that buyers can query. */
final class RetrievalItems {
  private RetrievalItems() {}

  /**
   * Commits to the items; with {@code hidden} (--private-items) as private items for this model,
   * each behind an input commitment under the seller's hiding key, so that buyers get the matching
   * items only.
   */
  static ItemSet commit(
      PrintWriter out,
      SellerServer server,
      CommittedModel model,
      String source,
      String name,
      boolean hidden) {
    TensorSpec input = model.model().description().tensor(model.circuit().inputTensor());
    var items = ItemSources.read(source, input);
    ItemSet set;
    try {
      if (hidden) {
        byte[] key = HidingKeys.loadOrCreate();
        try (ProgressBar bar = new ProgressBar(System.err, "input commitments", items.size())) {
          set = server.retrieval().commitPrivate(name, items, model, key, done -> bar.step(""));
        }
      } else {
        set = server.retrieval().commit(name, items);
      }
    } catch (RequestRejected e) {
      throw CliException.usage("cannot commit to --items " + source + ": " + e.getMessage());
    }
    out.printf(
        "item set %s (%s): %d %sitems committed, Merkle root %s%n",
        HexFormat.of().formatHex(set.getItemSetId().toByteArray()),
        set.getStatement().getName(),
        set.getStatement().getCount(),
        hidden ? "private " : "",
        HexFormat.of().formatHex(set.getStatement().getMerkleRoot().toByteArray()));
    out.flush();
    return set;
  }

  /**
   * Proves what retrieval queries cut short by a previous stop still miss, while the seller already
   * serves: a buyer that sends its query again then finds the proofs ready.
   */
  static void resumeInBackground(PrintWriter out, SellerServer server) {
    Thread t =
        new Thread(
            () -> {
              try {
                int made = server.retrieval().resumeOpenQueries();
                if (made > 0) {
                  out.printf("resumed cut-short retrieval queries: %d proofs made%n", made);
                  out.flush();
                }
              } catch (RuntimeException stopping) {
                // The seller stopped (its database closed) while resuming: the next start resumes
                // again.
              }
            },
            "retrieval-resume");
    t.setDaemon(true);
    t.start();
  }
}
