package io.zkaudit.escrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.escrow.chain.ChainNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs every escrow operation once on a fresh deployment and writes the gas each used to
 * docs/escrow-gas.md (the build regenerates the table). Keys, hashes and salts are fixed, so the
 * figures are reproducible and the file only changes when the contracts do.
 */
@ExtendWith(AnvilExtension.class)
class GasReportTest {
  private static final Path DOC =
      Path.of(System.getProperty("zkaudit.docs", "../docs"), "escrow-gas.md");
  private final Map<String, List<BigInteger>> gasByOperation = new LinkedHashMap<>();

  private static Bytes32 fixed(int value) {
    byte[] bytes = new byte[32];
    bytes[0] = (byte) 0xA5;
    bytes[31] = (byte) value;
    return new Bytes32(bytes);
  }

  @Test
  void writesTheGasTable(ChainNode node) throws IOException {
    GasListener gas =
        (operation, used) ->
            gasByOperation.computeIfAbsent(operation, k -> new ArrayList<>()).add(used);
    EscrowFixture f =
        EscrowFixture.deploy(
            node,
            gas,
            node.namedAccount("gas deployer", EscrowFixture.FUNDS),
            node.namedAccount("gas attester", EscrowFixture.FUNDS),
            node.namedAccount("gas seller", EscrowFixture.FUNDS),
            node.namedAccount("gas buyer", EscrowFixture.FUNDS),
            node.namedAccount("gas stranger", EscrowFixture.FUNDS));

    long modelId = f.seller.registry().registerModel(fixed(1), fixed(2), Wei.ether(1));
    Bytes32 commitment = fixed(2);

    // verified prediction: one order contested and proven, one slashed
    PredictionClient seller = f.seller.predictions();
    PredictionClient buyer = f.buyer.predictions();
    seller.setOffer(modelId, Wei.gwei(1_000_000), Wei.ether(1));
    seller.depositStake(modelId, Wei.ether(3));
    long proven = buyer.pay(modelId, 100);
    long slashed = buyer.pay(modelId, 100);
    long contestId = buyer.contest(seller.signAnswer(proven, fixed(3), fixed(4)));
    seller.proveContest(contestId, f.attester.attestPrediction(commitment, fixed(3), fixed(4)));
    long unproven = buyer.contest(seller.signAnswer(slashed, fixed(5), fixed(6)));
    f.pastWindow();
    seller.claimPayment(proven);
    buyer.slash(unproven);
    seller.withdrawStake(modelId, Wei.ether(1));
    f.seller.withdrawPredictionCredit();
    f.buyer.withdrawPredictionCredit();

    // verified accuracy: settled by both signatures, by a verified result, by deadline, cancelled
    AuditClient auditBuyer = f.buyer.audits();
    AuditClient auditSeller = f.seller.audits();
    AuditTerms terms = new AuditTerms(modelId, 600, 9_000, Wei.ether(2), Wei.ether(2));
    TestSetCommitment set = new TestSetCommitment(fixed(7), fixed(8));
    long signed = auditBuyer.commitTestSet(terms, set.commitment());
    long verified = auditBuyer.commitTestSet(terms, set.commitment());
    long expired = auditBuyer.commitTestSet(terms, set.commitment());
    long cancelled = auditBuyer.commitTestSet(terms, set.commitment());
    auditBuyer.cancel(cancelled);
    for (long auditId : new long[] {signed, verified, expired}) {
      auditSeller.stake(auditId);
      auditBuyer.revealTestSet(auditId, set, auditSeller.signReceipt(auditId, set.testSetHash()));
    }
    AuditResult result = new AuditResult(signed, set.testSetHash(), 570, 600);
    f.stranger
        .audits()
        .settle(result, auditBuyer.signResult(result), auditSeller.signResult(result));
    auditSeller.settleWithProof(
        new AuditResult(verified, set.testSetHash(), 560, 600),
        f.attester.attestAccuracy(commitment, set.testSetHash(), 560, 600));
    f.pastWindow();
    auditBuyer.settleByDeadline(expired);
    f.seller.withdrawAuditCredit();
    f.buyer.withdrawAuditCredit();

    f.seller.registry().retireModel(modelId);
    f.pastWindow();
    f.seller.registry().withdrawModelStake(modelId);

    String table = render();
    Files.createDirectories(DOC.getParent());
    if (!Files.exists(DOC) || !Files.readString(DOC).equals(table)) {
      Files.writeString(DOC, table, StandardCharsets.UTF_8);
    }
    assertEquals(table, Files.readString(DOC));
    assertTrue(
        gasByOperation
            .keySet()
            .containsAll(
                List.of(
                    "deploy PredictionEscrow",
                    "predictions.slash",
                    "audits.settle",
                    "audits.settleWithProof",
                    "audits.settleByDeadline",
                    "registry.withdrawStake")));
    // every transaction fits well within the client's fixed gas limit
    gasByOperation.forEach(
        (op, uses) ->
            uses.forEach(
                used ->
                    assertTrue(
                        used.compareTo(
                                BigInteger.valueOf(op.startsWith("deploy") ? 6_000_000 : 3_000_000))
                            < 0,
                        op)));
  }

  private String render() {
    StringBuilder out = new StringBuilder();
    out.append("# Escrow gas per operation\n\n")
        .append(
            "Generated by `escrow/src/test/java/io/zkaudit/escrow/GasReportTest.java` on every"
                + " build ")
        .append("(solc 0.8.28, optimizer 200 runs, EVM cancun, anvil); do not edit by hand. ")
        .append(
            "Gas is what the transaction used, including the 21,000 base; the cost column prices it"
                + " ")
        .append(
            "at 20 gwei. Where one operation ran more than once in the scenario the range is"
                + " shown.\n\n")
        .append("| operation | gas used | ETH at 20 gwei |\n")
        .append("|---|---:|---:|\n");
    gasByOperation.forEach(
        (operation, uses) -> {
          BigInteger min = uses.stream().min(BigInteger::compareTo).orElseThrow();
          BigInteger max = uses.stream().max(BigInteger::compareTo).orElseThrow();
          String gas = min.equals(max) ? format(min) : format(min) + " – " + format(max);
          out.append("| `")
              .append(operation)
              .append("` | ")
              .append(gas)
              .append(" | ")
              .append(ether(max))
              .append(" |\n");
        });
    out.append("\nFlows (sum of the operations a party pays for):\n\n")
        .append("| flow | gas |\n|---|---:|\n")
        .append(
            flow(
                "prediction order, no contest (pay + claimPayment + withdraw)",
                "predictions.pay",
                "predictions.claimPayment",
                "predictions.withdraw"))
        .append(
            flow(
                "one contested answer, proven (contest + proveContest)",
                "predictions.contest",
                "predictions.proveContest"))
        .append(
            flow(
                "audit, settled by both signatures (request + stake + reveal + settle + withdraw)",
                "audits.requestAudit",
                "audits.stake",
                "audits.revealTestSet",
                "audits.settle",
                "audits.withdraw"));
    return out.toString();
  }

  private String flow(String name, String... operations) {
    BigInteger sum = BigInteger.ZERO;
    for (String op : operations) sum = sum.add(gasByOperation.get(op).getFirst());
    return "| " + name + " | " + format(sum) + " |\n";
  }

  private static String format(BigInteger gas) {
    return String.format("%,d", gas);
  }

  private static String ether(BigInteger gas) {
    return new BigDecimal(gas.multiply(Wei.gwei(20)))
        .divide(BigDecimal.TEN.pow(18), 6, RoundingMode.HALF_UP)
        .toPlainString();
  }
}
