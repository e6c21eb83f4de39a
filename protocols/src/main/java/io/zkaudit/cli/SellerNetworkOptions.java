package io.zkaudit.cli;

import io.zkaudit.escrow.EscrowException;
import io.zkaudit.protocols.PartyKey;
import io.zkaudit.protocols.chain.ChainKeys;
import io.zkaudit.protocols.chain.ProofAttester;
import io.zkaudit.protocols.seller.SellerServer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code seller serve}'s TLS and chain options. */
final class SellerNetworkOptions {
  @Option(names = "--tls-cert", description = "serve TLS with this certificate chain (PEM); needs --tls-key")
  Path tlsCert;

  @Option(names = "--tls-key", description = "the TLS private key (PKCS#8 PEM)")
  Path tlsKey;

  @Mixin ChainOptions chain;

  @Option(names = "--attester-key", description = "with the chain: the designated verifier's key file, run in this"
      + " process (a demo shortcut: in production the verifier is a party both sides trust)")
  Path attesterKey;

  SellerServer.Options options(PrintWriter out) {
    SellerServer.Options o = SellerServer.Options.NONE.withEvents(event -> {
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
      if (attesterKey == null) {
        throw CliException.usage("a seller on the chain needs --attester-key (the designated verifier)");
      }
      var settings = chain.settings();
      PartyKey attester = KeyFiles.load(attesterKey);
      try {
        o = o.withChain(settings, new ProofAttester(ChainKeys.credentials(attester), settings.deployment()));
      } catch (EscrowException e) {
        throw ChainOptions.failure(e);
      }
    } else if (attesterKey != null) {
      throw CliException.usage("--attester-key needs --chain-rpc and --deployment");
    }
    return o;
  }
}
