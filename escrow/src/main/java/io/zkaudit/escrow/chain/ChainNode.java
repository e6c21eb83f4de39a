package io.zkaudit.escrow.chain;

import io.zkaudit.escrow.EscrowException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Keys;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;

/**
 * A local Anvil chain on loopback, for tests and the demo. Anvil picks a free port itself ({@code
 * --port 0}) and we read it from its banner, so parallel nodes never race for a port. Closing the
 * node stops the process.
 */
public final class ChainNode implements AutoCloseable {
  public static final long CHAIN_ID = 31337;
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern LISTENING = Pattern.compile("Listening on (127\\.0\\.0\\.1:\\d+)");
  private static final int LOG_LINES_KEPT = 50;

  private final Process process;
  private final HttpService http;
  private final Web3j web3j;
  private final String rpcUrl;
  private final Deque<String> recentLog;

  private ChainNode(Process process, String rpcUrl, Deque<String> recentLog) {
    this.process = process;
    this.rpcUrl = rpcUrl;
    this.recentLog = recentLog;
    this.http = new HttpService(rpcUrl);
    this.web3j = Web3j.build(http);
  }

  /** Starts anvil from {@link AnvilBinary#locate()}. */
  public static ChainNode start() {
    return start(AnvilBinary.locate());
  }

  public static ChainNode start(Path anvil) {
    return start(anvil, List.of());
  }

  /**
   * A node with further anvil options (e.g. {@code --gas-limit}: calls default to the block gas
   * limit, which tests of verifiers beyond mainnet's limits raise).
   */
  public static ChainNode start(Path anvil, List<String> options) {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                anvil.toString(),
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--chain-id",
                Long.toString(CHAIN_ID),
                "--accounts",
                "1"));
    command.addAll(options);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw EscrowException.failed("starting anvil at " + anvil, e);
    }
    Deque<String> recentLog = new ArrayDeque<>();
    CompletableFuture<String> address = new CompletableFuture<>();
    // Anvil logs every request; the pipe must be drained for the whole life of the process.
    Thread drain =
        Thread.ofPlatform()
            .daemon()
            .name("anvil-output")
            .start(() -> drain(process, recentLog, address));
    try {
      String hostPort = address.get(STARTUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      ChainNode node = new ChainNode(process, "http://" + hostPort, recentLog);
      node.chainId(); // the RPC answers: the node is ready
      return node;
    } catch (InterruptedException | ExecutionException | TimeoutException | RuntimeException e) {
      process.destroyForcibly();
      drain.interrupt();
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
      throw EscrowException.failed("starting anvil (last output: " + snapshot(recentLog) + ")", e);
    }
  }

  private static void drain(
      Process process, Deque<String> recentLog, CompletableFuture<String> address) {
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = reader.readLine()) != null; ) {
        synchronized (recentLog) {
          recentLog.addLast(line);
          if (recentLog.size() > LOG_LINES_KEPT) recentLog.removeFirst();
        }
        Matcher matcher = LISTENING.matcher(line);
        if (!address.isDone() && matcher.find()) address.complete(matcher.group(1));
      }
    } catch (IOException ignored) {
      // the process ended
    }
    address.completeExceptionally(new IOException("anvil closed its output before listening"));
  }

  private static String snapshot(Deque<String> recentLog) {
    synchronized (recentLog) {
      return String.join(" | ", recentLog);
    }
  }

  public String rpcUrl() {
    return rpcUrl;
  }

  public Web3j web3j() {
    return web3j;
  }

  public long chainId() {
    try {
      return web3j.ethChainId().send().getChainId().longValueExact();
    } catch (IOException | RuntimeException e) {
      throw EscrowException.failed("eth_chainId", e);
    }
  }

  /** A fresh random account holding {@code wei}. */
  public Credentials newAccount(BigInteger wei) {
    try {
      return fund(Credentials.create(Keys.createEcKeyPair()), wei);
    } catch (java.security.GeneralSecurityException e) {
      throw EscrowException.failed("creating a key", e);
    }
  }

  /** An account whose key is derived from {@code label}: the same label gives the same account. */
  public Credentials namedAccount(String label, BigInteger wei) {
    byte[] seed = Hash.sha3(("zkaudit test account " + label).getBytes(StandardCharsets.UTF_8));
    return fund(Credentials.create(ECKeyPair.create(seed)), wei);
  }

  /** Sets the balance of {@code account} (anvil_setBalance). */
  public Credentials fund(Credentials account, BigInteger wei) {
    rpc("anvil_setBalance", List.of(account.getAddress(), Numeric.toHexStringWithPrefix(wei)));
    return account;
  }

  public BigInteger balanceOf(String address) {
    try {
      return web3j.ethGetBalance(address, DefaultBlockParameterName.LATEST).send().getBalance();
    } catch (IOException | RuntimeException e) {
      throw EscrowException.failed("eth_getBalance", e);
    }
  }

  /** Moves the chain's clock forward and mines a block, so deadlines can pass in a test. */
  public void advanceTime(Duration duration) {
    rpc("evm_increaseTime", List.of(duration.toSeconds()));
    rpc("evm_mine", List.of());
  }

  /** The timestamp of the latest block: the chain's "now", which deadlines are compared with. */
  public Instant latestBlockTime() {
    try {
      BigInteger seconds =
          web3j
              .ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false)
              .send()
              .getBlock()
              .getTimestamp();
      return Instant.ofEpochSecond(seconds.longValueExact());
    } catch (IOException | RuntimeException e) {
      throw EscrowException.failed("eth_getBlockByNumber", e);
    }
  }

  private void rpc(String method, List<?> params) {
    try {
      Response<?> response = new Request<>(method, params, http, RawResponse.class).send();
      if (response.hasError()) {
        throw EscrowException.failed(method, new IOException(response.getError().getMessage()));
      }
    } catch (IOException e) {
      throw EscrowException.failed(method, e);
    }
  }

  /** A JSON-RPC answer whose result we do not read. */
  public static final class RawResponse extends Response<Object> {}

  @Override
  public void close() {
    web3j.shutdown();
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
