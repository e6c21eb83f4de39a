package io.zkaudit.protocols;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real PostgreSQL server for the tests, one per test JVM: Debian's server binaries
 * (/usr/lib/postgresql/N/bin, package postgresql) run on a new cluster in a temporary directory, on
 * a free loopback port, stopped when the JVM exits. Each test takes a database of its own.
 *
 * <p>PostgreSQL refuses to run as root, which is what CI runs as: then the cluster belongs to the
 * {@code postgres} user the package creates, and initdb and pg_ctl run through {@code runuser}.
 * Without the binaries the tests that need them are skipped with a message, except where
 * ZKAUDIT_REQUIRE_POSTGRES is set (.ci/run sets it, having installed the package): there a missing
 * server is a failure, not a silent skip.
 */
public final class PostgresServer {
  private static final String SUPERUSER = "zkaudit";
  private static PostgresServer shared;
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private final Path bin;
  private final Path dataDir;
  private final int port;
  private final boolean asPostgresUser;

  private PostgresServer(Path bin, Path dataDir, int port, boolean asPostgresUser) {
    this.bin = bin;
    this.dataDir = dataDir;
    this.port = port;
    this.asPostgresUser = asPostgresUser;
  }

  /**
   * The server, started at the first call; skips (or fails, see above) the test without PostgreSQL.
   */
  public static synchronized PostgresServer shared() {
    if (shared == null) {
      Optional<Path> bin = binaries();
      if (bin.isEmpty()) {
        String why =
            "PostgreSQL's server binaries (initdb, pg_ctl) are not installed"
                + " (/usr/lib/postgresql/*/bin): apt-get install postgresql (.ci/run installs it)";
        if (System.getenv("ZKAUDIT_REQUIRE_POSTGRES") != null) {
          throw new AssertionError(why);
        }
        Assumptions.abort("skipped: " + why);
      }
      try {
        shared = start(bin.get());
      } catch (IOException e) {
        throw new AssertionError(
            "cannot start PostgreSQL from " + bin.get() + ": " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while starting PostgreSQL", e);
      }
      PostgresServer server = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "postgres-stop"));
    }
    return shared;
  }

  /** The newest installed server's bin directory (Debian keeps each major version apart). */
  private static Optional<Path> binaries() {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(
              b ->
                  Files.isExecutable(b.resolve("pg_ctl"))
                      && Files.isExecutable(b.resolve("initdb")))
          .max(Comparator.comparingInt(b -> numeric(b.getParent().getFileName().toString())));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static int numeric(String version) {
    try {
      return Integer.parseInt(version.replaceAll("\\..*", ""));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static PostgresServer start(Path bin) throws IOException, InterruptedException {
    boolean root = "root".equals(System.getProperty("user.name"));
    // Under /tmp, not the build directory: the postgres user must be able to reach it.
    Path dir = Files.createTempDirectory("zkaudit-pg-");
    if (root) {
      run(List.of("chown", "postgres:postgres", dir.toString()), false);
    }
    Path data = dir.resolve("data");
    run(
        List.of(
            bin.resolve("initdb").toString(),
            "-D",
            data.toString(),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync"),
        root);
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      try {
        run(
            List.of(
                bin.resolve("pg_ctl").toString(),
                "-D",
                data.toString(),
                "-l",
                dir.resolve("server.log").toString(),
                "-w",
                "-t",
                "60",
                "-o",
                "-p "
                    + port
                    + " -c listen_addresses=127.0.0.1 -c unix_socket_directories="
                    + dir
                    + " -c max_connections=200",
                "start"),
            root);
        return new PostgresServer(bin, data, port, root);
      } catch (IOException e) {
        last = e; // the port was taken meanwhile: another one
      }
    }
    throw last;
  }

  /**
   * Runs a command (as the postgres user if asked), failing with its output if it exits non-zero.
   */
  private static void run(List<String> command, boolean asPostgresUser)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    if (asPostgresUser) {
      cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    cmd.addAll(command);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + " failed: " + output);
    }
  }

  /** A new, empty database on this server; its JDBC URL. */
  public String newDatabase(String label) {
    String name =
        label.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_")
            + "_"
            + ProcessHandle.current().pid()
            + "_"
            + DATABASES.incrementAndGet();
    try (var c = DriverManager.getConnection(url("postgres"));
        var s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (java.sql.SQLException e) {
      throw new AssertionError("cannot create database " + name + ": " + e.getMessage(), e);
    }
    return url(name);
  }

  private String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + SUPERUSER;
  }

  private void stop() {
    try {
      run(
          List.of(
              bin.resolve("pg_ctl").toString(),
              "-D",
              dataDir.toString(),
              "-m",
              "immediate",
              "-w",
              "stop"),
          asPostgresUser);
      try (Stream<Path> files = Files.walk(dataDir.getParent())) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    } catch (IOException | InterruptedException e) {
      System.err.println(
          "PostgresServer: cannot stop the test server in " + dataDir + ": " + e.getMessage());
    }
  }
}
