package io.zkaudit.cli;

import static io.zkaudit.cli.CliRuns.shared;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** eval and buyer audit warn, before scoring, when a model's outputs cannot match the labels. */
class LabelFitTest {
  private static List<String> warnings(int outputs, int classes, boolean exact, int offset) {
    return new LabelFit(outputs, classes, exact, offset).warnings();
  }

  @Test
  void outputsThatFitTheLabelsGiveNoWarning() {
    assertEquals(List.of(), warnings(10, 10, true, 0)); // ResNet-8 on CIFAR-10
    assertEquals(
        List.of(), warnings(1001, 1000, true, 1)); // MobileNet on the ImageNet sample, offset 1
    assertEquals(List.of(), warnings(1000, 1000, true, 0));
    assertEquals(
        List.of(),
        warnings(1001, 4, false, 1)); // a directory of a few ImageNet classes, offset given
    assertEquals(
        List.of(), warnings(10, 3, false, 0)); // a directory whose labels are all below the outputs
    assertEquals(1, LabelFit.defaultOffset(true, 1001));
    assertEquals(0, LabelFit.defaultOffset(false, 1001));
    assertEquals(-1, LabelFit.knownClasses("/data/my-images"));
  }

  @Test
  void outputsThatCannotMatchAreNamed() {
    assertTrue(warnings(1001, 1000, true, 0).getFirst().contains("pass --label-offset 1"));
    assertTrue(
        warnings(1001, 4, false, 0).getFirst().contains("pass --label-offset 1"),
        "the 0/4 audit of issue 18");
    String twoClasses = warnings(2, 1000, true, 0).getFirst();
    assertEquals(
        "the model has 2 outputs but the dataset has 1000 classes: samples of class 2 and above can"
            + " never be predicted right; is this the model for this dataset?",
        twoClasses);
    assertTrue(
        warnings(10, 10, true, 1)
            .getFirst()
            .contains("(label offset 1): samples of class 9 and above"));
    assertTrue(warnings(1000, 10, true, 0).getFirst().contains("only 10 classes"));
    for (List<String> w :
        List.of(
            warnings(1001, 1000, true, 0),
            warnings(2, 1000, true, 0),
            warnings(1000, 10, true, 0))) {
      assertEquals(1, w.size());
      assertEquals(1, w.getFirst().lines().count());
    }
  }

  private static String evalErr(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream oldErr = System.err;
    PrintStream oldOut = System.out;
    System.setErr(new PrintStream(err));
    System.setOut(new PrintStream(out));
    try {
      CliRuns.Run r = CliRuns.run(args);
      assertEquals(0, r.code(), r.err());
    } finally {
      System.setErr(oldErr);
      System.setOut(oldOut);
    }
    return err.toString();
  }

  @Test
  void evalWarnsBeforeScoring() {
    String mobilenet = shared("models/mobilenet_v2_1.0_224_quant.tflite").toString();
    String resnet8 = shared("models/resnet8_cifar10_int8.tflite").toString();
    shared("data/imagenet-sample");
    String offsetZero =
        evalErr(
            "eval",
            "--model",
            mobilenet,
            "--dataset",
            "imagenet-sample",
            "--limit",
            "1",
            "--label-offset",
            "0");
    assertTrue(
        offsetZero.contains(
            "zkaudit: warning: the model has 1001 outputs and the dataset 1000 classes"),
        offsetZero);
    String fine =
        evalErr("eval", "--model", mobilenet, "--dataset", "imagenet-sample", "--limit", "1");
    assertTrue(!fine.contains("warning"), fine);
    String tenClasses =
        evalErr("eval", "--model", resnet8, "--dataset", "imagenet-sample", "--limit", "1");
    assertTrue(
        tenClasses.contains(
            "zkaudit: warning: the model has 10 outputs but the dataset has 1000 classes"),
        tenClasses);
  }
}
