package io.zkaudit.cli;

import io.zkaudit.escrow.EscrowDeployer;
import io.zkaudit.escrow.EscrowDeployment;
import io.zkaudit.escrow.EscrowException;
import io.zkaudit.escrow.EscrowParameters;
import io.zkaudit.escrow.GasListener;
import io.zkaudit.escrow.Wei;
import io.zkaudit.escrow.chain.ChainNode;
import io.zkaudit.protocols.PartyKey;
import io.zkaudit.protocols.chain.ChainKeys;
import io.zkaudit.protocols.chain.DeploymentFile;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code zkaudit chain ...}: a local chain for trying the escrow: run an Anvil node, deploy the
 * contracts, fund keys. Public networks need none of this (deploy with a funded key, fund with real
 * ether); {@code fund} works on Anvil only.
 */
@Command(
    name = "chain",
    mixinStandardHelpOptions = true,
    description =
        "A local Anvil chain for the escrow: run a node, deploy the contracts, fund keys.",
    subcommands = {
      ChainCommand.Node.class,
      ChainCommand.Deploy.class,
      ChainCommand.Fund.class,
      ChainCommand.Verify.class
    })
final class ChainCommand implements Runnable {
  @Override
  public void run() {
    throw CliException.usage("chain needs a subcommand: node, deploy or fund");
  }

  @Command(
      name = "node",
      mixinStandardHelpOptions = true,
      description =
          "Run a local Anvil node (installed by the escrow module's build) until Ctrl-C; prints its"
              + " RPC URL.")
  static final class Node implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
      ChainNode node;
      try {
        node = ChainNode.start();
      } catch (EscrowException e) {
        throw ChainOptions.failure(e);
      }
      Thread hook = new Thread(node::close, "anvil-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      PrintWriter out = spec.commandLine().getOut();
      out.printf("chain %d at %s (Ctrl-C stops it)%n", node.chainId(), node.rpcUrl());
      out.flush();
      try {
        Thread.currentThread().join();
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the hook closes the node
        }
        node.close();
      }
      return Main.EXIT_OK;
    }
  }

  @Command(
      name = "deploy",
      mixinStandardHelpOptions = true,
      description =
          "Deploy the registry, the proof verifier and both escrows; write their addresses to"
              + " --out. The proof verifier: the attester's (default) or, with --verifier on-chain,"
              + " the on-chain verifier contracts (contests proven by the seller's own plain proof,"
              + " no attester).")
  static final class Deploy implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--chain-rpc", required = true, description = "JSON-RPC URL of the node")
    String rpc;

    @Option(
        names = "--key",
        required = true,
        description = "the deployer's key file (an account with ether; created if missing)")
    Path keyFile;

    @Option(
        names = "--attester-key",
        description =
            "with --verifier attester: the designated verifier's key file (created if missing):"
                + " only its attestations close contests")
    Path attesterKey;

    @Option(
        names = "--verifier",
        defaultValue = "attester",
        description =
            "what the escrows consult: 'attester' (a designated verifier's signature; default) or"
                + " 'on-chain' (the verifier contracts' facts: sellers prove contests with their"
                + " own plain proofs, 'seller serve --contest-proofs on-chain'; audits then settle"
                + " by signatures or deadline only)")
    String verifier;

    @Option(
        names = "--window",
        description = "every contest, proof and audit window, in seconds (default: days)")
    Long windowSeconds;

    @Option(
        names = "--out",
        defaultValue = "deployment.properties",
        description = "where to write the addresses (default ${DEFAULT-VALUE})")
    Path out;

    @Override
    public Integer call() {
      EscrowParameters p = EscrowParameters.defaults();
      if (windowSeconds != null) {
        if (windowSeconds < 1) {
          throw CliException.usage("--window is at least 1 second");
        }
        Duration w = Duration.ofSeconds(windowSeconds);
        p = new EscrowParameters(p.minRegistrationStake(), w, w, w, w, w, w);
      }
      boolean onChain =
          switch (verifier) {
            case "attester" -> false;
            case "on-chain" -> true;
            default ->
                throw CliException.usage(
                    "--verifier is 'attester' or 'on-chain', not '" + verifier + "'");
          };
      if (onChain == (attesterKey != null)) {
        throw CliException.usage(
            onChain
                ? "--verifier on-chain takes no --attester-key"
                : "--verifier attester needs --attester-key");
      }
      PartyKey deployer = KeyFiles.loadOrCreate(keyFile);
      Web3j web3j = Web3j.build(new HttpService(rpc));
      try {
        org.web3j.crypto.Credentials from = ChainKeys.credentials(deployer);
        EscrowDeployment d =
            onChain
                ? EscrowDeployer.deployWithSessionVerifier(
                    web3j,
                    from,
                    io.zkaudit.escrow.onchain.OnChainModelVerifier.deploy(web3j, from)
                        .session()
                        .address(),
                    p,
                    GasListener.NONE)
                : EscrowDeployer.deploy(
                    web3j,
                    from,
                    ChainKeys.credentials(KeyFiles.loadOrCreate(attesterKey)).getAddress(),
                    p,
                    GasListener.NONE);
        DeploymentFile.write(out, d);
        spec.commandLine()
            .getOut()
            .printf(
                "deployed on chain %d: registry %s, prediction escrow %s; written to %s%n",
                d.chainId(), d.registry(), d.predictionEscrow(), out);
        return Main.EXIT_OK;
      } catch (EscrowException e) {
        throw ChainOptions.failure(e);
      } finally {
        web3j.shutdown();
      }
    }
  }

  @Command(
      name = "fund",
      mixinStandardHelpOptions = true,
      description = "On a local Anvil node: set the balance of a key's account (anvil_setBalance).")
  static final class Fund implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--chain-rpc", required = true, description = "JSON-RPC URL of the Anvil node")
    String rpc;

    @Option(
        names = "--key",
        required = true,
        description = "the key file whose account to fund (created if missing)")
    Path keyFile;

    @Option(
        names = "--ether",
        defaultValue = "100",
        description = "the new balance in ether (default ${DEFAULT-VALUE})")
    long ether;

    @Override
    public Integer call() {
      if (ether < 0) {
        throw CliException.usage("--ether must be >= 0");
      }
      String address = ChainKeys.credentials(KeyFiles.loadOrCreate(keyFile)).getAddress();
      BigInteger wei = Wei.ether(ether);
      HttpService http = new HttpService(rpc);
      try {
        Response<?> r =
            new Request<>(
                    "anvil_setBalance",
                    List.of(address, Numeric.toHexStringWithPrefix(wei)),
                    http,
                    Response.class)
                .send();
        if (r.hasError()) {
          throw CliException.usage(
              "the node refused anvil_setBalance (not an Anvil node?): "
                  + r.getError().getMessage());
        }
      } catch (java.io.IOException e) {
        throw CliException.usage("cannot reach the node at " + rpc + ": " + e.getMessage());
      } finally {
        try {
          http.close();
        } catch (java.io.IOException ignored) {
          // nothing left to release
        }
      }
      spec.commandLine().getOut().printf("%s now holds %d ether%n", address, ether);
      return Main.EXIT_OK;
    }
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description =
          "Verify a proof with the on-chain verifier contracts: deploy them, run the proof's"
              + " session in transactions, print valid or invalid, the transactions and their gas."
              + " Without --chain-rpc, on an Anvil node started on loopback for the run.")
  static final class Verify implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--vk", required = true, description = "the model's verifying key")
    Path vkFile;

    @Option(names = "--proof", required = true, description = "the proof (from 'zkaudit prove')")
    Path proofFile;

    @Option(
        names = "--input",
        required = true,
        description = "the input the proof is about (image or tensor file)")
    Path input;

    @picocli.CommandLine.Mixin InputNormalizationOption normalization;

    @Option(
        names = "--chain-rpc",
        description =
            "JSON-RPC URL of an Anvil node (accounts funded with anvil_setBalance); default: a"
                + " node started on 127.0.0.1 for this run")
    String rpc;

    @Override
    public Integer call() {
      io.zkaudit.inference.VerifyingKey vk;
      io.zkaudit.inference.ModelProof proof;
      try {
        vk = io.zkaudit.inference.VerifyingKey.decode(read(vkFile, "verifying key"));
      } catch (io.zkaudit.proof.InvalidProofException e) {
        throw CliException.usage(vkFile + " is not a valid verifying key: " + e.getMessage());
      }
      io.zkaudit.inference.ModelVerifier verifier;
      try {
        verifier = new io.zkaudit.inference.ModelVerifier(vk);
      } catch (io.zkaudit.proof.InvalidProofException e) {
        throw CliException.usage(vkFile + ": " + e.getMessage());
      }
      int[] x =
          ProofInputs.read(
              input,
              vk.description().tensor(verifier.circuit().inputTensor()),
              normalization.given());
      PrintWriter out = spec.commandLine().getOut();
      try {
        proof = io.zkaudit.inference.ModelProof.decode(read(proofFile, "proof"));
      } catch (io.zkaudit.proof.InvalidProofException e) {
        // Nothing to send: the proof's bytes do not decode (the contracts decode the same way).
        out.println("invalid proof: malformed: " + e.getMessage());
        out.println("  0 transactions, 0 gas");
        out.flush();
        return Main.EXIT_INVALID;
      }
      ChainNode node = null;
      Web3j web3j;
      org.web3j.crypto.Credentials sender;
      try {
        if (rpc == null) {
          node = ChainNode.start();
          web3j = node.web3j();
          sender = node.newAccount(Wei.ether(1_000_000));
        } else {
          web3j = Web3j.build(new HttpService(rpc));
          sender = org.web3j.crypto.Credentials.create(org.web3j.crypto.Keys.createEcKeyPair());
          Response<?> r =
              new Request<>(
                      "anvil_setBalance",
                      List.of(
                          sender.getAddress(), Numeric.toHexStringWithPrefix(Wei.ether(1_000_000))),
                      new HttpService(rpc),
                      Response.class)
                  .send();
          if (r.hasError()) {
            throw CliException.usage(
                "the node refused anvil_setBalance (not an Anvil node?): "
                    + r.getError().getMessage());
          }
        }
        io.zkaudit.escrow.onchain.OnChainModelVerifier.Verdict v =
            io.zkaudit.escrow.onchain.OnChainModelVerifier.deploy(web3j, sender)
                .verify(vk, proof, x);
        return switch (v) {
          case io.zkaudit.escrow.onchain.OnChainModelVerifier.Verdict.Valid ok -> {
            out.printf(
                "valid proof (on chain) for model %s%n  %d transactions, %,d gas%n",
                vk.digest().hex(), ok.transactions(), ok.gas());
            out.printf(
                "  fact %s (ProofSession.verifiedInferences: model plans, input, output, tables)%n",
                ok.fact().hex());
            out.println(
                "  every check on chain, the lookups' rounding-table values included"
                    + " (RoundingTables evaluated the model's table plan: docs/onchain-verifier.md,"
                    + " \"The table step\")");
            out.flush();
            yield Main.EXIT_OK;
          }
          case io.zkaudit.escrow.onchain.OnChainModelVerifier.Verdict.Invalid bad -> {
            // "relayer": Java's reduction, which builds the next step's inputs, rejected the
            // proof before a contract was asked; every step sent so far was accepted on chain.
            out.printf(
                "invalid proof (%s): %s: %s%n  %d transactions, %,d gas%n",
                bad.step().equals("relayer")
                    ? "by this client, before its next transaction"
                    : "on chain",
                bad.step(),
                bad.reason(),
                bad.transactions(),
                bad.gas());
            out.flush();
            yield Main.EXIT_INVALID;
          }
          case io.zkaudit.escrow.onchain.OnChainModelVerifier.Verdict.NotOnChain no ->
              throw CliException.usage(
                  "not verifiable on chain yet (" + no.reason() + "): " + no.message());
        };
      } catch (java.io.IOException e) {
        throw CliException.usage("cannot reach the node at " + rpc + ": " + e.getMessage());
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException(e);
      } catch (EscrowException e) {
        throw ChainOptions.failure(e);
      } finally {
        if (node != null) {
          node.close();
        }
      }
    }

    private static byte[] read(Path p, String what) {
      try {
        return java.nio.file.Files.readAllBytes(p);
      } catch (java.io.IOException e) {
        throw CliException.usage("cannot read the " + what + " " + p + ": " + e.getMessage());
      }
    }
  }
}
