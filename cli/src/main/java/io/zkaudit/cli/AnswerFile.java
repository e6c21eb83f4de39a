package io.zkaudit.cli;

import io.zkaudit.proto.v1.KeptAnswer;
import io.zkaudit.protocols.Tensors;
import io.zkaudit.protocols.buyer.HeldAnswer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The buyer's kept signed answers with their inputs: length-delimited {@link KeptAnswer} messages,
 * appended one by one. Each input is checked against its answer's signed input hash on reading
 * ({@link HeldAnswer}).
 */
final class AnswerFile {
  private AnswerFile() {}

  static void append(Path file, HeldAnswer a) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      try (OutputStream out =
          Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
        KeptAnswer.newBuilder()
            .setAnswer(a.answer())
            .addAllInput(Tensors.toList(a.input()))
            .build()
            .writeDelimitedTo(out);
      }
    } catch (IOException e) {
      throw CliException.usage("cannot keep the signed answer in " + file + ": " + e.getMessage());
    }
  }

  static List<HeldAnswer> read(Path file) {
    List<HeldAnswer> out = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file)) {
      KeptAnswer k;
      while ((k = KeptAnswer.parseDelimitedFrom(in)) != null) {
        if (!k.hasAnswer()) {
          throw CliException.usage(
              file
                  + " was written by an older zkaudit: it keeps no inputs, and a contest now"
                  + " verifies each proof against its input. Ask for the answers again with 'buyer"
                  + " predict --signed'");
        }
        try {
          out.add(new HeldAnswer(k.getAnswer(), Tensors.fromList(k.getInputList())));
        } catch (IllegalArgumentException e) {
          throw CliException.usage(file + ": " + e.getMessage());
        }
      }
    } catch (IOException e) {
      throw CliException.usage("cannot read signed answers from " + file + ": " + e.getMessage());
    }
    return out;
  }
}
