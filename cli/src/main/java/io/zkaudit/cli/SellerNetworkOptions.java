package io.zkaudit.cli;

import io.zkaudit.escrow.EscrowException;
import io.zkaudit.protocols.chain.ChainKeys;
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
      if ((attesterKey == null) == (attester == null)) {
        throw CliException.usage(
            "a seller on the chain needs its designated verifier: --attester HOST:PORT"
                + " (or, for a demo, --attester-key FILE to run it in this process)");
      }
      var settings = chain.settings();
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
                attester != null
                    ? remote()
                    : new ProofAttester(
                        ChainKeys.credentials(KeyFiles.load(attesterKey)), settings.deployment()));
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
