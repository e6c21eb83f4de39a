package io.zkaudit.cli;

import io.zkaudit.protocols.chain.AttesterServer;
import io.zkaudit.protocols.chain.ChainKeys;
import io.zkaudit.protocols.chain.DeploymentFile;
import io.zkaudit.protocols.chain.ProofAttester;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code zkaudit attester serve}: the escrow's designated verifier as a service of its own. */
@Command(
    name = "attester",
    mixinStandardHelpOptions = true,
    description =
        "The escrow's designated verifier: verify sellers' proofs of contested answers and attest"
            + " them.",
    subcommands = {AttesterCommand.Serve.class})
final class AttesterCommand implements Runnable {
  @Override
  public void run() {
    throw CliException.usage("attester needs a subcommand: serve");
  }

  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description =
          "Verify proofs sent by sellers and sign attestations for PredictionEscrow, until Ctrl-C.")
  static final class Serve implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--key",
        required = true,
        description = "the attester's key file (its address was given to 'chain deploy')")
    Path keyFile;

    @Option(
        names = "--deployment",
        required = true,
        description = "the contracts' addresses (the attestation's EIP-712 domain)")
    Path deployment;

    @Option(
        names = "--port",
        required = true,
        description = "TCP port to listen on (0: any free port)")
    int port;

    @Option(
        names = "--host",
        defaultValue = "localhost",
        description = "address to listen on (default ${DEFAULT-VALUE})")
    String host;

    @Option(
        names = "--tls-cert",
        description = "serve TLS with this certificate chain (PEM); needs --tls-key")
    Path tlsCert;

    @Option(names = "--tls-key", description = "the TLS private key (PKCS#8 PEM)")
    Path tlsKey;

    @Override
    public Integer call() throws InterruptedException {
      if (port < 0 || port > 65535) {
        throw CliException.usage("--port must be between 0 and 65535");
      }
      if ((tlsCert == null) != (tlsKey == null)) {
        throw CliException.usage("--tls-cert and --tls-key go together");
      }
      var d = readDeployment();
      ProofAttester attester = new ProofAttester(ChainKeys.credentials(KeyFiles.load(keyFile)), d);
      AttesterServer server;
      try {
        server = AttesterServer.start(attester, host, port, tlsCert, tlsKey);
      } catch (UncheckedIOException | IllegalArgumentException e) {
        throw CliException.usage(e.getMessage());
      }
      PrintWriter out = spec.commandLine().getOut();
      out.printf(
          "attester %s for chain %d listening on %s:%d%n",
          attester.address(), d.chainId(), host, server.port());
      out.flush();
      Thread hook = new Thread(server::close, "attester-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        server.awaitTermination();
      } catch (InterruptedException stopped) {
        // Ctrl-C in a test thread: stop below
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the hook closes the server
        }
        server.close();
      }
      return Main.EXIT_OK;
    }

    private io.zkaudit.escrow.EscrowDeployment readDeployment() {
      try {
        return DeploymentFile.read(deployment);
      } catch (IllegalArgumentException e) {
        throw CliException.usage(e.getMessage());
      }
    }
  }
}
