package io.zkaudit.cli;

import io.zkaudit.escrow.EscrowException;
import io.zkaudit.protocols.chain.ChainKeys;
import io.zkaudit.protocols.chain.ContestProofs;
import io.zkaudit.protocols.chain.ProofAttester;
import io.zkaudit.protocols.chain.RemoteAttester;
import io.zkaudit.protocols.seller.SellerServer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code seller serve}'s TLS and chain options. */
final class SellerNetworkOptions {
  @Option(
      names = "--tls-cert",
      description = "serve TLS with this certificate chain (PEM); needs --tls-key")
  Path tlsCert;

  @Option(names = "--tls-key", description = "the TLS private key (PKCS#8 PEM)")
  Path tlsKey;

  @Mixin ChainOptions chain;

  @Option(
      names = "--attester-key",
      description =
          "with the chain: the designated verifier's key file, run in this process (a demo"
              + " shortcut: in production the verifier is a party both sides trust)")
  Path attesterKey;

  @Option(
      names = "--attester",
      description =
          "with the chain: the designated verifier service, HOST:PORT ('zkaudit attester serve')")
  String attester;

  @Option(
      names = "--audit-price",
      defaultValue = "0.0001",
      description =
          "with the chain: the least an on-chain accuracy audit must pay per sample, in ether"
              + " (default ${DEFAULT-VALUE})")
  java.math.BigDecimal auditPrice;

  @Option(
      names = "--contest-proofs",
      defaultValue = "attester",
      description =
          "with the chain: how contests of this seller's answers are proven, as the deployment's"
              + " escrows verify them: 'attester' (the designated verifier signs; default) or"
              + " 'on-chain' (the seller's own plain proof through the verifier contracts, no"
              + " attester: the proof's intermediate values become public; 'zkaudit chain deploy"
              + " --verifier on-chain')")
  String contestProofs;

  @Option(
      names = "--attester-tls-ca",
      description = "talk TLS to --attester, trusting this CA (PEM)")
  Path attesterCa;

  SellerServer.Options options(PrintWriter out) {
    SellerServer.Options o =
        SellerServer.Options.NONE.withEvents(
            event -> {
              out.println("seller: " + event);
              out.flush();
            });
    if ((tlsCert == null) != (tlsKey == null)) {
      throw CliException.usage("--tls-cert and --tls-key go together");
    }
    if (tlsCert != null) {
      for (Path p : new Path[] {tlsCert, tlsKey}) {
        if (!Files.isReadable(p)) {
          throw CliException.usage("cannot read " + p);
        }
      }
      o = o.withTls(new SellerServer.Tls(tlsCert, tlsKey));
    }
    if (chain.enabled()) {
      ContestProofs how =
          switch (contestProofs) {
            case "attester" -> ContestProofs.ATTESTER;
            case "on-chain" -> ContestProofs.ON_CHAIN;
            default ->
                throw CliException.usage(
                    "--contest-proofs is 'attester' or 'on-chain', not '" + contestProofs + "'");
          };
      if (how == ContestProofs.ON_CHAIN && (attesterKey != null || attester != null)) {
        throw CliException.usage(
            "--contest-proofs on-chain needs no attester: the escrows read the on-chain verifier's"
                + " facts (drop --attester / --attester-key)");
      }
      if (how == ContestProofs.ATTESTER && (attesterKey == null) == (attester == null)) {
        throw CliException.usage(
            "a seller on the chain needs its designated verifier: --attester HOST:PORT"
                + " (or, for a demo, --attester-key FILE to run it in this process), or"
                + " --contest-proofs on-chain on a deployment with the on-chain verifier");
      }
      var settings = chain.settings().withContestProofs(how);
      try {
        settings =
            settings.withAuditPricePerSample(
                io.zkaudit.escrow.Wei.ether(auditPrice.toPlainString()));
      } catch (IllegalArgumentException | ArithmeticException e) {
        throw CliException.usage(
            "--audit-price is an amount of ether of at least 0 (at most 18 decimals)");
      }
      try {
        o =
            o.withChain(
                settings,
                how == ContestProofs.ON_CHAIN
                    ? null
                    : attester != null
                        ? remote()
                        : new ProofAttester(
                            ChainKeys.credentials(KeyFiles.load(attesterKey)),
                            settings.deployment()));
      } catch (EscrowException e) {
        throw ChainOptions.failure(e);
      }
    } else if (attesterKey != null || attester != null) {
      throw CliException.usage("--attester and --attester-key need --chain-rpc and --deployment");
    }
    return o;
  }

  private RemoteAttester remote() {
    int colon = attester.lastIndexOf(':');
    int port;
    try {
      port = Integer.parseInt(attester.substring(colon + 1));
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      port = -1;
    }
    if (colon <= 0 || port < 1 || port > 65535) {
      throw CliException.usage("--attester is HOST:PORT, not " + attester);
    }
    try {
      return new RemoteAttester(attester.substring(0, colon), port, attesterCa);
    } catch (IllegalArgumentException e) {
      throw CliException.usage(e.getMessage());
    }
  }
}
