package io.zkaudit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.model.ElementType;
import io.zkaudit.model.ModelFormatException;
import io.zkaudit.model.TensorSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pixel-to-input mappings: one interval, or torchvision's per-channel mean/std. */
class InputNormalizationTest {
  static final InputNormalization.MeanStd IMAGENET =
      new InputNormalization.MeanStd(
          new double[] {0.485, 0.456, 0.406}, new double[] {0.229, 0.224, 0.225});

  @Test
  void meanStdIsPerChannelStandardisation() {
    assertEquals(-0.485 / 0.229, IMAGENET.real(0, 0), 0);
    assertEquals((128 / 255.0 - 0.456) / 0.224, IMAGENET.real(128, 1), 0);
    assertEquals((1 - 0.406) / 0.225, IMAGENET.real(255, 2), 0);
    // bounds: the lowest channel at pixel 0 (red: -2.1179), the highest at 255 (blue: 2.64)
    assertEquals(new PixelRange(-0.485 / 0.229, (1 - 0.406) / 0.225), IMAGENET.bounds());
    assertEquals("mean 0.485,0.456,0.406 std 0.229,0.224,0.225", IMAGENET.describe());
  }

  @Test
  void aPixelRangeIsTheSameInEveryChannel() {
    PixelRange r = new PixelRange(-1, 1);
    for (int p = 0; p < 256; p++)
      for (int c = 0; c < 3; c++) assertEquals(r.real(p), r.real(p, c), 0);
    assertSame(r, r.bounds());
    assertEquals("[-1, 1]", r.describe());
    assertEquals("[0, 0.5]", new PixelRange(0, 0.5).describe());
  }

  @Test
  void malformedNormalizationsAreRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new InputNormalization.MeanStd(new double[] {0.5}, new double[] {0}));
    assertThrows(
        IllegalArgumentException.class,
        () -> new InputNormalization.MeanStd(new double[] {0.5}, new double[] {-1}));
    assertThrows(
        IllegalArgumentException.class,
        () -> new InputNormalization.MeanStd(new double[] {0.5}, new double[] {Double.NaN}));
    assertThrows(
        IllegalArgumentException.class,
        () -> new InputNormalization.MeanStd(new double[] {0.5, 0.5}, new double[] {1}));
    assertThrows(IllegalArgumentException.class, () -> PixelRange.parse("1,0"));
    assertThrows(IllegalArgumentException.class, () -> PixelRange.parse("0,x"));
    assertThrows(IllegalArgumentException.class, () -> PixelRange.parse("0,1,2"));
    var e =
        assertThrows(
            ModelFormatException.class,
            () -> new InputEncoder(new int[] {1, 2, 2, 1}, 1.0, IMAGENET));
    assertTrue(e.getMessage().contains("give 3 channels, the model's input has 1"), e.getMessage());
  }

  /** Pixels are channel-last: the encoder applies channel c's map to every c-th value. */
  @Test
  void theEncoderAppliesEachChannelsMap() {
    Image img = new Image(1, 2, 3, new int[] {0, 128, 255, 255, 0, 64});
    InputEncoder enc = new InputEncoder(new int[] {1, 1, 2, 3}, 1.0, IMAGENET);
    float[] x = enc.real(img);
    float[] expected = new float[6];
    int[] px = img.pixels();
    for (int i = 0; i < 6; i++) expected[i] = (float) IMAGENET.real(px[i], i % 3);
    assertArrayEquals(expected, x);
    assertEquals((float) (-0.485 / 0.229), x[0]);
    assertEquals((float) ((1 - 0.406) / 0.225), x[2]);
    assertEquals((float) ((1 - 0.485) / 0.229), x[3]);
    // int8 with scale 1/50, zero point 0: q = round(50·real) per channel, clamped
    TensorSpec spec = TensorSpec.of("in", List.of(1, 1, 2, 3), ElementType.INT8, 0.02f, 0, false);
    int[] q = enc.quantized(img, spec);
    for (int i = 0; i < 6; i++)
      assertEquals(
          Math.clamp(Math.round(IMAGENET.real(px[i], i % 3) / spec.scale()), -128, 127), q[i]);
    assertEquals(-106, q[0]); // (0 - 0.485)/0.229 = -2.1179 -> -105.9
    assertEquals(-102, q[4]); // green pixel 0: -0.456/0.224 = -2.0357 -> -101.8
    assertEquals(112, q[3]); // red pixel 255: (1 - 0.485)/0.229 = 2.2489 -> 112.4
    assertEquals(127, q[2]); // blue pixel 255: (1 - 0.406)/0.225 = 2.64 -> 132, clamped
  }

  /** A quantized input's default range encodes exactly as before per-channel maps existed. */
  @Test
  void theQuantizedDefaultIsUnchanged() {
    TensorSpec r8 = TensorSpec.of("in", List.of(1, 1, 1, 3), ElementType.INT8, 1f, -128, false);
    Image img = new Image(1, 1, 3, new int[] {0, 77, 255});
    assertArrayEquals(
        new int[] {-128, -51, 127},
        new InputEncoder(new int[] {1, 1, 1, 3}, 1.0, PixelRange.of(r8)).quantized(img, r8));
    TensorSpec mobilenet =
        TensorSpec.of("in", List.of(1, 1, 1, 3), ElementType.UINT8, 1f / 128, 128, false);
    assertArrayEquals(
        new int[] {0, 77, 255},
        new InputEncoder(new int[] {1, 1, 1, 3}, 1.0, PixelRange.of(mobilenet))
            .quantized(img, mobilenet));
  }
}
