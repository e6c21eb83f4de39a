package io.zkaudit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ModelDescriptionTest {

  /**
   * A small description using most layer kinds: conv -> depthwise -> add -> pool -> reshape -> fc
   * -> softmax.
   */
  static ModelDescription sample() {
    var t =
        List.of(
            TensorSpec.of("in", List.of(1, 4, 4, 2), ElementType.UINT8, 0.5f, 128, false), // 0
            TensorSpec.of("w", List.of(3, 3, 3, 2), ElementType.UINT8, 0.01f, 120, true), // 1
            TensorSpec.of("b", List.of(3), ElementType.INT32, 0.005f, 0, true), // 2
            TensorSpec.of("c", List.of(1, 4, 4, 3), ElementType.UINT8, 0.1f, 10, false), // 3
            new TensorSpec(
                "dw",
                List.of(1, 3, 3, 3),
                ElementType.INT8,
                List.of(0.01f, 0.02f, 0.03f),
                List.of(0, 0, 0),
                3,
                true), // 4
            TensorSpec.of("d", List.of(1, 4, 4, 3), ElementType.UINT8, 0.1f, 12, false), // 5
            TensorSpec.of("s", List.of(1, 4, 4, 3), ElementType.UINT8, 0.2f, 11, false), // 6
            TensorSpec.of("p", List.of(1, 2, 2, 3), ElementType.UINT8, 0.2f, 11, false), // 7
            TensorSpec.of("r", List.of(1, 12), ElementType.UINT8, 0.2f, 11, false), // 8
            TensorSpec.of("fw", List.of(5, 12), ElementType.UINT8, 0.02f, 127, true), // 9
            TensorSpec.of("f", List.of(1, 5), ElementType.UINT8, 0.3f, 100, false), // 10
            TensorSpec.of("sm", List.of(1, 5), ElementType.UINT8, 1 / 256f, 0, false)); // 11
    Window same3 = new Window(3, 3, 1, 1, 1, 1, new Padding(1, 1, 1, 1));
    var layers =
        List.<Layer>of(
            new Conv2D(
                "conv",
                0,
                1,
                2,
                3,
                same3,
                128,
                List.of(120),
                Requantization.perTensor(1 << 30, -3, 10, 10, 255)),
            new DepthwiseConv2D(
                "dw",
                3,
                4,
                -1,
                5,
                same3,
                1,
                10,
                List.of(0),
                new Requantization(
                    List.of(1 << 30, 1 << 30, 1 << 30), List.of(-1, -2, -3), 12, 0, 255)),
            new Add("add", 3, 5, 6, 10, 12, 20, 1 << 30, 0, 1 << 30, 0, 1 << 30, -19, 11, 0, 255),
            new AveragePool("pool", 6, 7, new Window(2, 2, 2, 2, 1, 1, Padding.NONE), 0, 255),
            new Reshape("flat", 7, 8),
            new FullyConnected(
                "fc",
                8,
                9,
                -1,
                10,
                11,
                List.of(127),
                Requantization.perTensor(1 << 30, -4, 100, 0, 255)),
            new Softmax("softmax", 10, 11, 1f));
    return new ModelDescription("sample", t, layers, List.of(0), List.of(11));
  }

  @Test
  void encodingRoundTripsAndDigestIsStable() {
    ModelDescription d = sample();
    byte[] bytes = d.encode();
    ModelDescription back = ModelDescription.decode(bytes);
    assertEquals(d, back);
    assertArrayEquals(d.digest(), back.digest());
    assertEquals(32, d.digest().length);
  }

  @Test
  void anyChangeChangesTheDigest() {
    ModelDescription d = sample();
    var layers = new java.util.ArrayList<>(d.layers());
    layers.set(4, new Reshape("flat2", 7, 8));
    ModelDescription renamed =
        new ModelDescription(d.name(), d.tensors(), layers, d.inputs(), d.outputs());
    assertFalse(Arrays.equals(d.digest(), renamed.digest()));
  }

  @Test
  void truncationIsRejected() {
    byte[] bytes = sample().encode();
    for (int n = 0; n < bytes.length; n += 7) {
      byte[] cut = Arrays.copyOf(bytes, n);
      assertThrows(ModelFormatException.class, () -> ModelDescription.decode(cut));
    }
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    assertThrows(ModelFormatException.class, () -> ModelDescription.decode(longer));
  }

  @Property(tries = 300)
  void corruptedBytesNeverCrashTheDecoder(
      @ForAll @IntRange(min = 0, max = 100_000) int position,
      @ForAll @IntRange(min = 1, max = 255) int flip) {
    byte[] bytes = sample().encode();
    bytes[position % bytes.length] ^= (byte) flip;
    try {
      ModelDescription d = ModelDescription.decode(bytes);
      // a flip that still decodes must describe a different (valid) model
      assertFalse(Arrays.equals(d.digest(), sample().digest()));
    } catch (ModelFormatException expected) {
      // rejected with a clear error: fine
    }
  }

  @Test
  void inconsistentShapesAreRejected() {
    ModelDescription d = sample();
    var tensors = new java.util.ArrayList<>(d.tensors());
    tensors.set(3, TensorSpec.of("c", List.of(1, 4, 4, 4), ElementType.UINT8, 0.1f, 10, false));
    var e =
        assertThrows(
            ModelFormatException.class,
            () -> new ModelDescription("x", tensors, d.layers(), d.inputs(), d.outputs()));
    assertFalse(e.getMessage().isEmpty());
  }

  @Test
  void layersMustRunInOrder() {
    ModelDescription d = sample();
    var layers = new java.util.ArrayList<>(d.layers());
    java.util.Collections.swap(layers, 0, 1);
    assertThrows(
        ModelFormatException.class,
        () -> new ModelDescription("x", d.tensors(), layers, d.inputs(), d.outputs()));
  }
}
