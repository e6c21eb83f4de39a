package io.zkaudit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The options several commands share, written once as mixins. */
class OptionMixinsTest {
  /** Every command of the tree by its full name. */
  private static Map<String, CommandLine> commands() {
    Map<String, CommandLine> out = new TreeMap<>();
    List<CommandLine> todo = new ArrayList<>(List.of(Main.commandLine()));
    while (!todo.isEmpty()) {
      CommandLine c = todo.removeLast();
      out.put(c.getCommandSpec().qualifiedName(), c);
      todo.addAll(c.getSubcommands().values());
    }
    return out;
  }

  /** The command object a command line reaches once parsed from the top (zkaudit ...). */
  private static <T> T parsed(String... args) {
    CommandLine root = Main.commandLine();
    CommandLine.ParseResult r = root.parseArgs(args);
    while (r.hasSubcommand()) r = r.subcommand();
    return r.commandSpec().commandLine().getCommand();
  }

  @Test
  void theModelFileOptionIsParsedIntoItsMixin() {
    CommitCommand c = parsed("commit", "--model", "models/some dir/net.onnx", "--out", "net.vk");
    assertEquals(Path.of("models/some dir/net.onnx"), c.model.file());
    assertEquals("net.onnx", c.model.fileName());

    InferCommand i = parsed("infer", "--model", "a.tflite", "--labels", "names.txt");
    assertEquals(Path.of("a.tflite"), i.model.file());
    assertEquals(Path.of("names.txt"), i.labels.file);
  }

  @Test
  void aModelFileIsRequiredAndLabelsAreNot() {
    CommandLine.MissingParameterException e =
        assertThrows(
            CommandLine.MissingParameterException.class,
            () -> Main.commandLine().parseArgs("commit", "--out", "x.vk"));
    assertTrue(e.getMessage().contains("--model=<model>"), e.getMessage());

    ProveCommand p = parsed("prove", "--model", "m.tflite", "--input", "x.png", "--out", "p.proof");
    assertEquals(Path.of("m.tflite"), p.model.file());
    assertNull(p.labels.file);
  }

  @Test
  void commandsSharingAnOptionDescribeItAlike() {
    Map<String, List<String>> modelFiles = new TreeMap<>();
    Map<String, List<String>> labels = new TreeMap<>();
    commands()
        .forEach(
            (name, c) -> {
              OptionSpec model = c.getCommandSpec().findOption("--model");
              if (model != null && model.type() == Path.class) {
                modelFiles
                    .computeIfAbsent(String.join(" ", model.description()), k -> new ArrayList<>())
                    .add(name);
              }
              OptionSpec l = c.getCommandSpec().findOption("--labels");
              if (l != null) {
                labels
                    .computeIfAbsent(String.join(" ", l.description()), k -> new ArrayList<>())
                    .add(name);
              }
            });
    // The three ModelFileOption variants, each in several commands, and bench infer's own.
    assertEquals(
        java.util.Set.of(
            "the model (.tflite or .onnx; a float one is quantized first, a quantized one is used"
                + " as is)",
            "the model (.tflite or .onnx, quantized or float)",
            "the model (.tflite)",
            "a quantized .tflite model"),
        modelFiles.keySet());
    assertEquals(
        List.of("zkaudit bench serve", "zkaudit seller serve"),
        modelFiles.get("the model (.tflite)"));
    assertEquals(
        List.of("zkaudit eval", "zkaudit infer"),
        modelFiles.get("the model (.tflite or .onnx, quantized or float)"));
    assertEquals(java.util.Set.of("class names, one per line"), labels.keySet());
    assertEquals(5, labels.values().iterator().next().size(), labels.toString());
  }
}
