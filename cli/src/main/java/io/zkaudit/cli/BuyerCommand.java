package io.zkaudit.cli;

import io.zkaudit.model.TensorSpec;
import io.zkaudit.proto.v1.SignedAnswer;
import io.zkaudit.protocols.Hex;
import io.zkaudit.protocols.PartyKey;
import io.zkaudit.protocols.buyer.BuyerClient;
import io.zkaudit.protocols.buyer.BuyerException;
import io.zkaudit.protocols.buyer.HeldAnswer;
import io.zkaudit.protocols.buyer.RegisteredModel;
import io.zkaudit.protocols.buyer.VerifiedAnswer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code zkaudit buyer ...}: the buyer's side of the protocols. */
@Command(
    name = "buyer",
    description = "The buyer: ask a seller for predictions and verify them.",
    mixinStandardHelpOptions = true,
    subcommands = {
      BuyerCommand.Predict.class,
      BuyerCommand.Contest.class,
      BuyerEscrowCommand.class,
      RetrieveCommand.class,
      AuditCommand.class
    })
final class BuyerCommand implements Runnable {
  @Override
  public void run() {
    throw CliException.usage(
        "buyer needs a subcommand: predict, contest, escrow, retrieve or audit");
  }

  /**
   * Exit 0 with a verified output; 1 if the seller's answer does not verify (it cheated or is
   * broken); 2 if the seller refused the request or could not be reached.
   */
  @Command(
      name = "predict",
      mixinStandardHelpOptions = true,
      description =
          "Ask a seller for a prediction with its proof; verify the proof against the registered"
              + " model.")
  static final class Predict implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin SellerAddress seller;

    @Option(
        names = "--input",
        required = true,
        description = "image (.jpg/.png/.bmp) or tensor (.npy/.json)")
    Path input;

    @Mixin ServedModelOption servedModel;

    @Mixin BuyerKeyOption buyerKey;

    @Option(
        names = "--timeout",
        defaultValue = "300",
        description = "seconds to wait for the seller (default ${DEFAULT-VALUE})")
    long timeout;

    @Option(
        names = "--top",
        defaultValue = "5",
        description = "classes to print (default ${DEFAULT-VALUE})")
    int top;

    @Mixin LabelsOption labels;

    /** How an image input is encoded: as the seller's model expects (see 'zkaudit prove'). */
    @Mixin InputNormalizationOption normalization;

    @Option(
        names = "--signed",
        description =
            "ask for a signed answer without proof (cheap), kept in --answers to contest later")
    boolean signed;

    @Option(
        names = "--answers",
        defaultValue = "zkaudit-buyer/answers.pb",
        description = "where signed answers are kept (default ${DEFAULT-VALUE})")
    Path answers;

    @Option(
        names = "--order",
        defaultValue = "0",
        description =
            "with --signed: an order paid on-chain ('buyer escrow pay'); the answer can then be"
                + " contested on-chain")
    long order;

    @picocli.CommandLine.Mixin ChainOptions chain;

    @Override
    public Integer call() throws java.io.IOException {
      seller.check();
      PrintWriter out = spec.commandLine().getOut();
      PartyKey key = buyerKey.loadOrCreate();
      if (order < 0 || (order != 0 && !signed)) {
        throw CliException.usage("--order is a positive order id, for --signed answers");
      }
      if (order != 0 && !chain.enabled()) {
        throw CliException.usage(
            "--order needs --chain-rpc and --deployment, to check the seller's escrow signature");
      }
      try (BuyerClient buyer = seller.connect(key, timeout)) {
        RegisteredModel model = servedModel.choose(buyer);
        TensorSpec inSpec =
            model.vk().description().tensor(model.verifier().circuit().inputTensor());
        // Without an option, an image is encoded as the seller registered (else the input
        // quantization's range).
        var chosen =
            normalization
                .given()
                .or(
                    () ->
                        io.zkaudit.protocols.ServedNormalization.of(
                                model.entry(), inSpec.shape().getLast())
                            .map(
                                n ->
                                    new InputNormalizationOption.Chosen(
                                        n, "registered by the seller with the model")));
        int[] x = ProofInputs.read(input, inSpec, chosen);
        TensorSpec outSpec =
            model.vk().description().tensor(model.verifier().circuit().outputTensor());
        List<String> names =
            labels.forOutput(
                outSpec.size(), model.entry().getName() + " " + model.vk().description().name());
        long t0 = System.nanoTime();
        if (signed) {
          SignedAnswer sa = buyer.predictSigned(model, x, order);
          if (order != 0) {
            try (var onChain =
                io.zkaudit.protocols.chain.BuyerChain.connect(chain.settings(), key)) {
              onChain.escrowAnswer(model, sa);
            } catch (io.zkaudit.escrow.EscrowException e) {
              throw ChainOptions.failure(e);
            }
          }
          AnswerFile.append(answers, new HeldAnswer(sa, x));
          out.printf(
              Locale.ROOT,
              "signed answer %s from model %s (%s), %.2f s round trip; kept in %s to contest%n",
              sa.getStatement().getAnswerId(),
              Hex.of(model.id()),
              model.entry().getName(),
              (System.nanoTime() - t0) / 1e9,
              answers);
          out.println("  not proven yet: the output as the seller states it");
          ProofInputs.printTopK(
              out, io.zkaudit.protocols.Tensors.fromList(sa.getOutputList()), outSpec, names, top);
          return Main.EXIT_OK;
        }
        VerifiedAnswer a = buyer.predict(model, x);
        double s = (System.nanoTime() - t0) / 1e9;
        out.printf(
            Locale.ROOT,
            "verified answer %s from model %s (%s), %.2f s round trip, proof %d bytes%n",
            a.id(),
            Hex.of(model.id()),
            model.entry().getName(),
            s,
            a.proof().length);
        out.printf(
            "  about input %s; signed by seller %s%n",
            input.getFileName(), Hex.of(a.answer().getSellerSignature().getPublicKey()));
        ProofInputs.printTopK(out, a.output(), outSpec, names, top);
        return Main.EXIT_OK;
      } catch (BuyerException e) {
        return BuyerFailures.exit(out, e, e.getMessage());
      }
    }
  }

  /**
   * Contests a random sample of the kept signed answers: exit 0 if the seller proved every one in
   * time and each proof shows exactly the signed output; 1 otherwise; 2 if refused or unreachable.
   */
  @Command(
      name = "contest",
      mixinStandardHelpOptions = true,
      description =
          "Contest a random sample of signed answers: the seller must prove each before the"
              + " deadline.")
  static final class Contest implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin SellerAddress seller;

    @Option(
        names = "--answers",
        defaultValue = "zkaudit-buyer/answers.pb",
        description =
            "the signed answers kept by 'buyer predict --signed' (default ${DEFAULT-VALUE})")
    Path answers;

    @Option(
        names = "--sample",
        description = "how many answers to contest, drawn at random (default: all)")
    Integer sample;

    @Mixin BuyerKeyOption buyerKey;

    @Option(
        names = "--timeout",
        defaultValue = "600",
        description = "seconds to wait for the seller (default ${DEFAULT-VALUE})")
    long timeout;

    @Override
    public Integer call() {
      seller.check();
      List<HeldAnswer> kept = AnswerFile.read(answers);
      if (kept.isEmpty()) {
        throw CliException.usage(answers + " holds no signed answers");
      }
      if (sample != null && (sample < 1 || sample > kept.size())) {
        throw CliException.usage("--sample must be between 1 and " + kept.size());
      }
      List<HeldAnswer> chosen = new java.util.ArrayList<>(kept);
      // A sample the seller cannot predict: this is what makes tampering with any answer risky.
      java.util.Collections.shuffle(chosen, new java.security.SecureRandom());
      chosen = List.copyOf(chosen.subList(0, sample == null ? kept.size() : sample));
      PrintWriter out = spec.commandLine().getOut();
      PartyKey key = buyerKey.loadOrCreate();
      try (BuyerClient buyer = seller.connect(key, timeout)) {
        long t0 = System.nanoTime();
        List<VerifiedAnswer> proven = buyer.contest(chosen);
        out.printf(
            Locale.ROOT,
            "contest: %d of %d answers proven in time and verified (%.2f s)%n",
            proven.size(),
            kept.size(),
            (System.nanoTime() - t0) / 1e9);
        return Main.EXIT_OK;
      } catch (BuyerException e) {
        return BuyerFailures.exit(out, e, e.getMessage());
      }
    }
  }
}
