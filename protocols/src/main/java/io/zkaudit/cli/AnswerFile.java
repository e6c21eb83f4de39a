package io.zkaudit.cli;

import io.zkaudit.proto.v1.SignedAnswer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** The buyer's kept signed answers: length-delimited SignedAnswer messages, appended one by one. */
final class AnswerFile {
  private AnswerFile() {}

  static void append(Path file, SignedAnswer a) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
        a.writeDelimitedTo(out);
      }
    } catch (IOException e) {
      throw CliException.usage("cannot keep the signed answer in " + file + ": " + e.getMessage());
    }
  }

  static List<SignedAnswer> read(Path file) {
    List<SignedAnswer> out = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file)) {
      SignedAnswer a;
      while ((a = SignedAnswer.parseDelimitedFrom(in)) != null) {
        out.add(a);
      }
    } catch (IOException e) {
      throw CliException.usage("cannot read signed answers from " + file + ": " + e.getMessage());
    }
    return out;
  }
}
