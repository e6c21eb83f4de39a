package io.zkaudit.cli;

import io.zkaudit.escrow.EscrowException;
import io.zkaudit.escrow.PredictionContest;
import io.zkaudit.proto.v1.SignedAnswer;
import io.zkaudit.protocols.PartyKey;
import io.zkaudit.protocols.buyer.BuyerClient;
import io.zkaudit.protocols.buyer.BuyerException;
import io.zkaudit.protocols.buyer.RegisteredModel;
import io.zkaudit.protocols.chain.BuyerChain;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code zkaudit buyer escrow ...}: verified prediction with money at stake. Pay an order in
 * PredictionEscrow, ask for signed answers with {@code buyer predict --signed --order N}, contest a
 * random sample on-chain, and settle: a contest the seller did not prove by its deadline slashes
 * the order's stake to the buyer.
 */
@Command(
    name = "escrow",
    mixinStandardHelpOptions = true,
    description = "Pay, contest and settle verified predictions through the on-chain escrow.",
    subcommands = {
      BuyerEscrowCommand.Pay.class,
      BuyerEscrowCommand.ContestOnChain.class,
      BuyerEscrowCommand.Settle.class
    })
final class BuyerEscrowCommand implements Runnable {
  @Override
  public void run() {
    throw CliException.usage("buyer escrow needs a subcommand: pay, contest or settle");
  }

  /** The seller connection and model shared by pay and contest. */
  static final class SellerOptions {
    @Mixin SellerAddress address;

    @Mixin ServedModelOption model;

    BuyerClient connect(PartyKey key) {
      address.check();
      return address.connect(key, 60);
    }
  }

  @Command(
      name = "pay",
      mixinStandardHelpOptions = true,
      description =
          "Pay the seller's on-chain offer for N predictions; prints the order id for 'buyer"
              + " predict --order'.")
  static final class Pay implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin SellerOptions seller;
    @Mixin ChainOptions chain;

    @Option(
        names = "--predictions",
        required = true,
        description = "how many answers the order pays for")
    int predictions;

    @Mixin BuyerKeyOption buyerKey;

    @Override
    public Integer call() {
      if (predictions < 1) {
        throw CliException.usage("--predictions must be at least 1");
      }
      PartyKey key = buyerKey.loadOrCreate();
      PrintWriter out = spec.commandLine().getOut();
      try (BuyerClient buyer = seller.connect(key);
          BuyerChain onChain = BuyerChain.connect(chain.settings(), key)) {
        RegisteredModel model = seller.model.choose(buyer);
        long chainModel = onChain.chainModel(model);
        var offer = onChain.client().predictions().getOffer(chainModel);
        long order = onChain.pay(model, predictions);
        out.printf(
            "order %d: %d predictions of on-chain model %d for %s wei; the seller stakes %s wei on"
                + " it%n",
            order, predictions, chainModel, offer.priceOf(predictions), offer.stakePerOrder());
        return Main.EXIT_OK;
      } catch (BuyerException e) {
        throw CliException.usage(e.getMessage());
      } catch (EscrowException e) {
        throw ChainOptions.failure(e);
      }
    }
  }

  @Command(
      name = "contest",
      mixinStandardHelpOptions = true,
      description =
          "Contest a random sample of signed answers on-chain; the seller must prove each before"
              + " its deadline.")
  static final class ContestOnChain implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin SellerOptions seller;
    @Mixin ChainOptions chain;

    @Option(
        names = "--answers",
        defaultValue = "zkaudit-buyer/answers.pb",
        description =
            "signed answers kept by 'buyer predict --signed --order' (default ${DEFAULT-VALUE})")
    Path answers;

    @Option(
        names = "--sample",
        description = "how many answers to contest, drawn at random (default: all)")
    Integer sample;

    @Mixin BuyerKeyOption buyerKey;

    @Override
    public Integer call() {
      List<SignedAnswer> onOrders =
          new ArrayList<>(
              AnswerFile.read(answers).stream()
                  .map(io.zkaudit.protocols.buyer.HeldAnswer::answer)
                  .filter(SignedAnswer::hasChainAnswer)
                  .toList());
      if (onOrders.isEmpty()) {
        throw CliException.usage(
            answers + " holds no answers for on-chain orders ('buyer predict --signed --order N')");
      }
      if (sample != null && (sample < 1 || sample > onOrders.size())) {
        throw CliException.usage("--sample must be between 1 and " + onOrders.size());
      }
      Collections.shuffle(onOrders, new SecureRandom());
      List<SignedAnswer> chosen = onOrders.subList(0, sample == null ? onOrders.size() : sample);
      PartyKey key = buyerKey.loadOrCreate();
      PrintWriter out = spec.commandLine().getOut();
      try (BuyerClient buyer = seller.connect(key);
          BuyerChain onChain = BuyerChain.connect(chain.settings(), key)) {
        for (SignedAnswer a : chosen) {
          RegisteredModel model = buyer.model(a.getStatement().getModelId());
          long contest = onChain.contest(model, a);
          PredictionContest c = onChain.contestState(contest);
          out.printf(
              "contest %d: answer %s of order %d; the seller must prove it by %s%n",
              contest, a.getStatement().getAnswerId(), c.orderId(), c.proofDeadline());
        }
        return Main.EXIT_OK;
      } catch (BuyerException e) {
        if (e.reason() == BuyerException.Reason.INVALID_ANSWER) {
          throw CliException.invalid(e.getMessage());
        }
        throw CliException.usage(e.getMessage());
      } catch (EscrowException e) {
        throw ChainOptions.failure(e);
      }
    }
  }

  /**
   * Exit 0 if the contest is proven (or still open in time); 1 if the seller missed the deadline
   * (slashed).
   */
  @Command(
      name = "settle",
      mixinStandardHelpOptions = true,
      description =
          "Look at an on-chain contest: if the seller missed its deadline, slash the order and"
              + " withdraw the refund and stake.")
  static final class Settle implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ChainOptions chain;

    @Option(
        names = "--contest",
        required = true,
        description = "the contest id printed by 'buyer escrow contest'")
    long contestId;

    @Mixin BuyerKeyOption buyerKey;

    @Override
    public Integer call() {
      PartyKey key = buyerKey.loadOrCreate();
      PrintWriter out = spec.commandLine().getOut();
      try (BuyerChain onChain = BuyerChain.connect(chain.settings(), key)) {
        PredictionContest c = onChain.contestState(contestId);
        switch (c.status()) {
          case PROVEN -> {
            out.printf("contest %d: proven by the seller in time; nothing to claim%n", contestId);
            return Main.EXIT_OK;
          }
          case OPEN -> {
            java.time.Instant chainNow = onChain.chainTime();
            if (!chainNow.isAfter(c.proofDeadline())) {
              // The escrow judges by block time, which stands still until a block is mined: past
              // the
              // deadline by the clock is not yet past it on-chain, and "has until" a past time
              // misleads.
              if (java.time.Instant.now().isAfter(c.proofDeadline())) {
                out.printf(
                    "contest %d: open; its proof deadline %s has passed, but the chain's latest"
                        + " block (%s) is not after it yet: run settle again once a later block is"
                        + " mined%n",
                    contestId, c.proofDeadline(), chainNow);
              } else {
                out.printf(
                    "contest %d: open; the seller has until %s to prove it%n",
                    contestId, c.proofDeadline());
              }
              return Main.EXIT_OK;
            }
            onChain.slash(contestId);
          }
          default -> {}
        }
        BigInteger withdrawn = onChain.withdraw();
        out.printf(
            "contest %d: not proven by its deadline; order %d slashed, %s wei withdrawn to %s%n",
            contestId, c.orderId(), withdrawn, onChain.address());
        return Main.EXIT_INVALID;
      } catch (EscrowException e) {
        throw ChainOptions.failure(e);
      }
    }
  }
}
