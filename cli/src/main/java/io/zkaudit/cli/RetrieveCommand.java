package io.zkaudit.cli;

import io.zkaudit.model.TensorSpec;
import io.zkaudit.proto.v1.ItemSet;
import io.zkaudit.proto.v1.Predicate;
import io.zkaudit.proto.v1.ScoreAtLeast;
import io.zkaudit.protocols.Hex;
import io.zkaudit.protocols.PartyKey;
import io.zkaudit.protocols.RetrievalPredicates;
import io.zkaudit.protocols.RetrievalStatements;
import io.zkaudit.protocols.buyer.BuyerClient;
import io.zkaudit.protocols.buyer.BuyerException;
import io.zkaudit.protocols.buyer.RegisteredModel;
import io.zkaudit.protocols.buyer.RetrievalClient;
import io.zkaudit.protocols.buyer.RetrievalResult;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code zkaudit buyer retrieve}: every item of the seller's committed set whose proven output
 * matches, with a proof for every committed item. Exit 0 when the answer is verified correct and
 * complete; 1 if the seller cheated (a check failed); 2 if refused, unreachable, or bad input.
 */
@Command(
    name = "retrieve",
    mixinStandardHelpOptions = true,
    description =
        "Find every item of a class in the seller's committed item set, with a proof for every"
            + " item.")
final class RetrieveCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin SellerAddress seller;

  @Mixin ServedModelOption servedModel;

  @Option(
      names = "--items",
      description = "the item set id (hex); needed when the seller has more than one")
  String itemSetId;

  @Option(
      names = "--class",
      required = true,
      description = "the class to find (an output index of the model)")
  int classIndex;

  @Option(
      names = "--min-score",
      description =
          "match when the class's output value (quantized logit) is at least"
              + " this, instead of when it is the top class")
  Integer minScore;

  @Mixin BuyerKeyOption buyerKey;

  @Option(
      names = "--timeout",
      defaultValue = "3600",
      description = "seconds to wait for the whole answer (default ${DEFAULT-VALUE})")
  long timeout;

  @Mixin LabelsOption labels;

  @Override
  public Integer call() throws java.io.IOException {
    seller.check();
    if (timeout < 1) {
      throw CliException.usage("--timeout must be at least 1 second");
    }
    PrintWriter out = spec.commandLine().getOut();
    PartyKey key = buyerKey.loadOrCreate();
    try (BuyerClient buyer = seller.connect(key, timeout)) {
      RetrievalClient retrieval = new RetrievalClient(buyer, timeout);
      RegisteredModel model = servedModel.choose(buyer);
      ItemSet set = chooseSet(retrieval.itemSets());
      TensorSpec outSpec =
          model.vk().description().tensor(model.verifier().circuit().outputTensor());
      Predicate predicate =
          minScore == null
              ? Predicate.newBuilder().setArgmaxIs(classIndex).build()
              : Predicate.newBuilder()
                  .setScoreAtLeast(
                      ScoreAtLeast.newBuilder().setClassIndex(classIndex).setThreshold(minScore))
                  .build();
      RetrievalPredicates.problem(predicate, outSpec)
          .ifPresent(
              p -> {
                throw CliException.usage(
                    (minScore == null ? "--class: " : "--class/--min-score: ") + p);
              });
      boolean hidden = RetrievalStatements.isPrivate(set.getStatement());
      if (hidden && !set.getStatement().getPrivateForModel().equals(model.id())) {
        throw CliException.usage(
            "item set "
                + Hex.of(set.getItemSetId())
                + " holds private items committed for model "
                + Hex.of(set.getStatement().getPrivateForModel())
                + "; pick that model with --model");
      }
      if (set.getStatement().getValuesPerItem()
          != model.vk().description().tensor(model.verifier().circuit().inputTensor()).size()) {
        throw CliException.usage(
            "item set "
                + Hex.of(set.getItemSetId())
                + " holds inputs of another size than model "
                + Hex.of(model.id())
                + " takes; pick another with --model or --items");
      }
      List<String> names =
          labels.forOutput(
              outSpec.size(), model.entry().getName() + " " + model.vk().description().name());
      int n = set.getStatement().getCount();
      out.printf(
          "retrieval: item set %s (%s, %d %sitems), model %s (%s), %s (%s)%n",
          Hex.of(set.getItemSetId()),
          set.getStatement().getName(),
          n,
          hidden ? "private " : "",
          Hex.of(model.id()),
          model.entry().getName(),
          RetrievalPredicates.describe(predicate),
          Labels.name(names, classIndex));
      out.flush();
      long t0 = System.nanoTime();
      RetrievalResult result;
      try (ProgressBar bar = new ProgressBar(System.err, "proofs verified", n)) {
        result = retrieval.retrieve(model, set, predicate, (done, total) -> bar.step(""));
      }
      double s = (System.nanoTime() - t0) / 1e9;
      for (RetrievalResult.Match m : result.matches()) {
        out.printf(
            Locale.ROOT,
            "  match  #%-5d %-32s  logit %4d%n",
            m.index(),
            m.name(),
            m.output()[classIndex]);
      }
      out.printf("matches: %d of %d items%n", result.matches().size(), n);
      out.printf(
          Locale.ROOT,
          "complete: %d of %d items proven (%.1f s); the matches are signed by seller %s%n",
          result.proven(),
          n,
          s,
          Hex.of(result.summary().getSellerSignature().getPublicKey()));
      if (hidden) {
        out.printf(
            "private: the %d other items came as input commitments with zero-knowledge proofs, no"
                + " tensors%n",
            n - result.matches().size());
      }
      return Main.EXIT_OK;
    } catch (BuyerException e) {
      return BuyerFailures.exit(out, e, e.getMessage());
    }
  }

  private ItemSet chooseSet(List<ItemSet> sets) {
    if (itemSetId != null) {
      String want = itemSetId.strip().toLowerCase(Locale.ROOT);
      return sets.stream()
          .filter(s -> Hex.of(s.getItemSetId()).equals(want))
          .findFirst()
          .orElseThrow(() -> CliException.usage("the seller has no item set " + itemSetId));
    }
    if (sets.size() != 1) {
      StringBuilder b =
          new StringBuilder("the seller has " + sets.size() + " item sets; pick one with --items:");
      sets.forEach(
          s ->
              b.append(' ')
                  .append(Hex.of(s.getItemSetId()))
                  .append(" (")
                  .append(s.getStatement().getName())
                  .append(')'));
      throw CliException.usage(b.toString());
    }
    return sets.get(0);
  }
}
