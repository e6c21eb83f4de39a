package io.zkaudit.cli;

import static io.zkaudit.cli.CliRuns.shared;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.model.TensorSpec;
import io.zkaudit.protocols.seller.SellerRetrieval;
import io.zkaudit.tflite.TfliteImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * seller serve --items: a directory of images in name order, or a CIFAR-10 subset; bad sources are
 * usage errors.
 */
class ItemSourcesTest {
  @TempDir Path tmp;

  private static TensorSpec resnet8Input() throws Exception {
    return TfliteImporter.loadQuantized(shared("models/resnet8_cifar10_int8.tflite")).input();
  }

  @Test
  void aDirectoryGivesItsImagesInNameOrderAndSkipsOtherFiles() throws Exception {
    TensorSpec in = resnet8Input();
    Files.copy(shared("data/images/cat.bmp"), tmp.resolve("b-cat.bmp"));
    Files.copy(shared("data/images/grace_hopper.bmp"), tmp.resolve("a-hopper.bmp"));
    Files.writeString(tmp.resolve("notes.txt"), "not an item");
    List<SellerRetrieval.Item> items = ItemSources.read(tmp.toString(), in);
    assertEquals(
        List.of("a-hopper.bmp", "b-cat.bmp"),
        items.stream().map(SellerRetrieval.Item::name).toList());
    assertEquals(in.size(), items.get(1).tensor().length);
    assertEquals(ProofInputs.read(tmp.resolve("b-cat.bmp"), in)[100], items.get(1).tensor()[100]);
  }

  @Test
  void cifarGivesTheStratifiedSubsetAndBadSourcesAreUsageErrors() throws Exception {
    TensorSpec in = resnet8Input();
    shared("data/cifar10/test_batch.bin");
    List<SellerRetrieval.Item> items = ItemSources.read("cifar10-test:3", in);
    assertEquals(
        List.of("cifar-0", "cifar-3333", "cifar-6666"),
        items.stream().map(SellerRetrieval.Item::name).toList());
    for (String bad :
        List.of(
            "cifar10-test:0", "cifar10-test:x", tmp.resolve("none").toString(), tmp.toString())) {
      CliException e = assertThrows(CliException.class, () -> ItemSources.read(bad, in), bad);
      assertEquals(Main.EXIT_USAGE, e.exitCode());
      assertTrue(
          e.getMessage().contains("--items") || e.getMessage().contains("images or tensors"),
          e.getMessage());
    }
  }
}
