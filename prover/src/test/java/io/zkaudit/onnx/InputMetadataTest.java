package io.zkaudit.onnx;

import static io.zkaudit.testutil.OnnxWriter.node;
import static io.zkaudit.testutil.OnnxWriter.valueInfo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.data.InputNormalization;
import io.zkaudit.data.PixelRange;
import io.zkaudit.model.ModelFormatException;
import io.zkaudit.testutil.OnnxWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** metadata_props read from the ModelProto, and the input normalization its zkaudit keys name. */
class InputMetadataTest {
  private static OnnxModel withMetadata(Map<String, String> metadata) {
    var g =
        new OnnxWriter.Graph(valueInfo("x", 1, 3, 2, 2), valueInfo("y", 1, 3, 2, 2))
            .node(node("Relu", "r", List.of("x"), List.of("y")));
    metadata.forEach(g::metadata);
    return OnnxImporter.parse(g.model(13));
  }

  @Test
  void metadataPropsAreReadInOrder() {
    OnnxModel m =
        withMetadata(
            new java.util.LinkedHashMap<>(
                Map.of("author", "someone", InputMetadata.MEAN, "0.5,0.5,0.5")));
    assertEquals("someone", m.metadata().get("author"));
    assertEquals("0.5,0.5,0.5", m.metadata().get(InputMetadata.MEAN));
    assertEquals(Map.of(), withMetadata(Map.of()).metadata());
  }

  @Test
  void meanStdAndRangeKeysNameTheNormalization() {
    assertEquals(
        Optional.of(
            new InputNormalization.MeanStd(
                new double[] {0.485, 0.456, 0.406}, new double[] {0.229, 0.224, 0.225})),
        InputMetadata.normalization(
            withMetadata(
                    Map.of(
                        "zkaudit.input_mean", "0.485,0.456,0.406",
                        "zkaudit.input_std", "0.229, 0.224, 0.225"))
                .metadata()));
    assertEquals(
        Optional.of(new PixelRange(-1, 1)),
        InputMetadata.normalization(
            withMetadata(Map.of("zkaudit.input_range", "-1,1")).metadata()));
    assertEquals(
        Optional.empty(),
        InputMetadata.normalization(withMetadata(Map.of("mean", "0.5")).metadata()));
  }

  @Test
  void malformedMetadataIsRefusedNotGuessed() {
    for (Map<String, String> bad :
        List.of(
            Map.of(InputMetadata.MEAN, "0.5,0.5,0.5"),
            Map.of(InputMetadata.RANGE, "0,1", InputMetadata.STD, "1,1,1"),
            Map.of(InputMetadata.MEAN, "0.5", InputMetadata.STD, "0"),
            Map.of(InputMetadata.MEAN, "0.5,0.5", InputMetadata.STD, "1"),
            Map.of(InputMetadata.RANGE, "1"))) {
      var e =
          assertThrows(
              ModelFormatException.class,
              () -> InputMetadata.normalization(withMetadata(bad).metadata()),
              bad.toString());
      assertTrue(e.getMessage().startsWith("the model's input normalization metadata"), bad + "");
    }
  }
}
