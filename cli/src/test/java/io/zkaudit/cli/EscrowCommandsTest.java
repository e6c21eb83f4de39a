package io.zkaudit.cli;

import static io.zkaudit.cli.CliRuns.freePort;
import static io.zkaudit.cli.CliRuns.run;
import static io.zkaudit.cli.CliRuns.shared;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.cli.CliRuns.Run;
import io.zkaudit.escrow.chain.ChainNode;
import io.zkaudit.protocols.PartyKey;
import io.zkaudit.protocols.buyer.BuyerClient;
import io.zkaudit.protocols.buyer.BuyerException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The escrow from the command line, as a user runs it on a local Anvil node: deploy, fund, a seller
 * on the chain and over TLS, a buyer that pays, asks for signed answers, contests one on-chain and
 * finds it proven.
 */
class EscrowCommandsTest {
  @TempDir Path tmp;

  private static long number(Pattern p, String text) {
    Matcher m = p.matcher(text);
    assertTrue(m.find(), text);
    return Long.parseLong(m.group(1));
  }

  @Test
  void aBuyerPaysContestsOnChainAndTheSellerProvesInTime() throws Exception {
    Path model = shared("models/resnet8_cifar10_int8.tflite");
    Path image = shared("data/images/cat.bmp");
    var certs = io.zkaudit.protocols.TestCertificates.localhost(tmp);
    try (ChainNode node = ChainNode.start()) {
      String rpc = node.rpcUrl();
      String deployment = tmp.resolve("deployment.properties").toString();
      String sellerKey = tmp.resolve("seller.key").toString();
      String buyerKey = tmp.resolve("buyer.key").toString();
      String attesterKey = tmp.resolve("attester.key").toString();
      for (String key :
          new String[] {tmp.resolve("deployer.key").toString(), sellerKey, buyerKey}) {
        Run fund = run("chain", "fund", "--chain-rpc", rpc, "--key", key, "--ether", "100");
        assertEquals(0, fund.code(), fund.out() + fund.err());
      }
      Run deploy =
          run(
              "chain",
              "deploy",
              "--chain-rpc",
              rpc,
              "--key",
              tmp.resolve("deployer.key").toString(),
              "--attester-key",
              attesterKey,
              "--window",
              "3600",
              "--out",
              deployment);
      assertEquals(0, deploy.code(), deploy.out() + deploy.err());

      int port = freePort();
      String p = String.valueOf(port);
      // The designated verifier runs as its own service, as it would in production.
      int attesterPort = freePort();
      StringWriter attesterOut = new StringWriter();
      Thread attester =
          new Thread(
              () -> {
                var cli = Main.commandLine();
                cli.setOut(new PrintWriter(attesterOut, true));
                cli.setErr(new PrintWriter(attesterOut, true));
                cli.execute(
                    "attester",
                    "serve",
                    "--key",
                    attesterKey,
                    "--deployment",
                    deployment,
                    "--port",
                    String.valueOf(attesterPort));
              });
      attester.start();
      AtomicInteger serveExit = new AtomicInteger(-1);
      StringWriter sellerOut = new StringWriter();
      Thread seller =
          new Thread(
              () -> {
                var cli = Main.commandLine();
                cli.setOut(new PrintWriter(sellerOut, true));
                cli.setErr(new PrintWriter(sellerOut, true));
                serveExit.set(
                    cli.execute(
                        "seller",
                        "serve",
                        "--model",
                        model.toString(),
                        "--port",
                        p,
                        "--db",
                        "jdbc:h2:file:" + tmp.resolve("db/seller").toAbsolutePath(),
                        "--key",
                        sellerKey,
                        "--chain-rpc",
                        rpc,
                        "--deployment",
                        deployment,
                        "--attester",
                        "localhost:" + attesterPort,
                        "--accuracy",
                        "0.5",
                        "--dataset",
                        "cifar10-test",
                        "--audit-stake",
                        "100000000000000000",
                        "--tls-cert",
                        certs.certificate().toString(),
                        "--tls-key",
                        certs.privateKey().toString()));
              });
      seller.start();
      try {
        awaitSeller(port, certs.certificate(), sellerOut);
        String ca = certs.certificate().toString();
        Run pay =
            run(
                "buyer",
                "escrow",
                "pay",
                "--port",
                p,
                "--tls-ca",
                ca,
                "--chain-rpc",
                rpc,
                "--deployment",
                deployment,
                "--predictions",
                "2",
                "--key",
                buyerKey);
        assertEquals(0, pay.code(), pay.out() + pay.err());
        long order = number(Pattern.compile("^order (\\d+):"), pay.out());

        String answers = tmp.resolve("answers.pb").toString();
        Run signed =
            run(
                "buyer",
                "predict",
                "--signed",
                "--order",
                String.valueOf(order),
                "--answers",
                answers,
                "--port",
                p,
                "--tls-ca",
                ca,
                "--chain-rpc",
                rpc,
                "--deployment",
                deployment,
                "--input",
                image.toString(),
                "--key",
                buyerKey);
        assertEquals(0, signed.code(), signed.out() + signed.err());

        Run contest =
            run(
                "buyer",
                "escrow",
                "contest",
                "--port",
                p,
                "--tls-ca",
                ca,
                "--chain-rpc",
                rpc,
                "--deployment",
                deployment,
                "--answers",
                answers,
                "--sample",
                "1",
                "--key",
                buyerKey);
        assertEquals(0, contest.code(), contest.out() + contest.err());
        long contestId = number(Pattern.compile("^contest (\\d+):"), contest.out());

        long until = System.nanoTime() + 90_000_000_000L;
        Run settle;
        do {
          Thread.sleep(500);
          settle =
              run(
                  "buyer",
                  "escrow",
                  "settle",
                  "--contest",
                  String.valueOf(contestId),
                  "--chain-rpc",
                  rpc,
                  "--deployment",
                  deployment,
                  "--key",
                  buyerKey);
          assertEquals(0, settle.code(), settle.out() + settle.err());
        } while (!settle.out().contains("proven") && System.nanoTime() < until);
        assertTrue(settle.out().contains("proven by the seller in time"), settle.out() + sellerOut);

        // An accuracy audit with money in AuditEscrow: ResNet-8 gets the first CIFAR-10 image
        // wrong,
        // so a claim of 50% fails, both sign that, and the buyer withdraws its payment and the
        // stake.
        Run audit =
            run(
                "buyer",
                "audit",
                "--port",
                p,
                "--tls-ca",
                ca,
                "--chain-rpc",
                rpc,
                "--deployment",
                deployment,
                "--dataset",
                "cifar10",
                "--samples",
                "1",
                "--payment",
                "0.01",
                "--stake",
                "0.1",
                "--key",
                buyerKey,
                "--state",
                tmp.resolve("audits").toString());
        assertEquals(1, audit.code(), audit.out() + audit.err() + sellerOut);
        assertTrue(
            audit.out().contains("FAILED: the verified accuracy is below the claim"), audit.out());
        assertTrue(
            audit
                .out()
                .matches(
                    "(?s).*on-chain +audit 1 settled: BUYER_COMPENSATED; 110000000000000000 wei"
                        + " withdrawn to 0x.*"),
            audit.out());
        // A seller that stakes less than asked refuses, and the request is cancelled and refunded.
        Run tooMuch =
            run(
                "buyer",
                "audit",
                "--port",
                p,
                "--tls-ca",
                ca,
                "--chain-rpc",
                rpc,
                "--deployment",
                deployment,
                "--dataset",
                "cifar10",
                "--samples",
                "1",
                "--payment",
                "0.01",
                "--stake",
                "1",
                "--key",
                buyerKey,
                "--state",
                tmp.resolve("audits").toString());
        assertEquals(2, tooMuch.code(), tooMuch.out() + tooMuch.err());
        assertTrue(
            tooMuch.err().contains("stakes at most 100000000000000000 wei")
                && tooMuch.err().contains("cancelled"),
            tooMuch.err());

        // Without --tls-ca the buyer speaks plaintext to a TLS seller: one clear line, exit 2.
        Run plain =
            run(
                "buyer",
                "predict",
                "--port",
                p,
                "--input",
                image.toString(),
                "--key",
                buyerKey,
                "--timeout",
                "10");
        assertEquals(2, plain.code(), plain.err());
        assertTrue(plain.err().contains("--tls-ca"), plain.err());
      } finally {
        seller.interrupt();
        seller.join(30_000);
        attester.interrupt();
        attester.join(30_000);
      }
      assertTrue(attesterOut.toString().startsWith("attester 0x"), attesterOut.toString());
      assertEquals(0, serveExit.get(), sellerOut.toString());
    }
  }

  private static void awaitSeller(int port, Path ca, StringWriter sellerOut) throws Exception {
    long until = System.nanoTime() + 120_000_000_000L;
    try (BuyerClient probe = new BuyerClient("localhost", port, PartyKey.generate(), 5, ca)) {
      while (true) {
        try {
          if (!probe.models().isEmpty() && sellerOut.toString().contains("watching for contests")) {
            return;
          }
        } catch (BuyerException notYet) {
          if (System.nanoTime() > until) {
            throw new AssertionError("the seller did not start: " + sellerOut, notYet);
          }
        }
        Thread.sleep(200);
      }
    }
  }
}
