package io.zkaudit.tflite;

import java.util.Map;

/** Builtin operator codes of TFLite's schema and their names (for messages). */
final class TfliteOps {
  private TfliteOps() {}

  static final int ADD = 0,
      AVERAGE_POOL_2D = 1,
      CONCATENATION = 2,
      CONV_2D = 3,
      DEPTHWISE_CONV_2D = 4,
      DEQUANTIZE = 6,
      FULLY_CONNECTED = 9,
      LOGISTIC = 14,
      MAX_POOL_2D = 17,
      MUL = 18,
      RELU = 19,
      RELU_N1_TO_1 = 20,
      RELU6 = 21,
      RESHAPE = 22,
      SOFTMAX = 25,
      PAD = 34,
      MEAN = 40,
      SQUEEZE = 43,
      TANH = 28,
      QUANTIZE = 114,
      HARD_SWISH = 117;

  private static final Map<Integer, String> NAMES =
      Map.ofEntries(
          Map.entry(0, "ADD"),
          Map.entry(1, "AVERAGE_POOL_2D"),
          Map.entry(2, "CONCATENATION"),
          Map.entry(3, "CONV_2D"),
          Map.entry(4, "DEPTHWISE_CONV_2D"),
          Map.entry(5, "DEPTH_TO_SPACE"),
          Map.entry(6, "DEQUANTIZE"),
          Map.entry(8, "FLOOR"),
          Map.entry(9, "FULLY_CONNECTED"),
          Map.entry(11, "L2_NORMALIZATION"),
          Map.entry(14, "LOGISTIC"),
          Map.entry(16, "LSTM"),
          Map.entry(17, "MAX_POOL_2D"),
          Map.entry(18, "MUL"),
          Map.entry(19, "RELU"),
          Map.entry(20, "RELU_N1_TO_1"),
          Map.entry(21, "RELU6"),
          Map.entry(22, "RESHAPE"),
          Map.entry(23, "RESIZE_BILINEAR"),
          Map.entry(25, "SOFTMAX"),
          Map.entry(28, "TANH"),
          Map.entry(32, "CUSTOM"),
          Map.entry(34, "PAD"),
          Map.entry(39, "TRANSPOSE"),
          Map.entry(40, "MEAN"),
          Map.entry(41, "SUB"),
          Map.entry(42, "DIV"),
          Map.entry(43, "SQUEEZE"),
          Map.entry(49, "SPLIT"),
          Map.entry(53, "CAST"),
          Map.entry(54, "PRELU"),
          Map.entry(55, "MAXIMUM"),
          Map.entry(57, "MINIMUM"),
          Map.entry(74, "SUM"),
          Map.entry(83, "PACK"),
          Map.entry(98, "LEAKY_RELU"),
          Map.entry(102, "SPLIT_V"),
          Map.entry(114, "QUANTIZE"),
          Map.entry(117, "HARD_SWISH"),
          Map.entry(126, "BATCH_MATMUL"));

  static String name(int code) {
    return NAMES.getOrDefault(code, "builtin operator " + code);
  }

  /** Fused activation codes (ActivationFunctionType). */
  static final int ACT_NONE = 0, ACT_RELU = 1, ACT_RELU_N1_TO_1 = 2, ACT_RELU6 = 3;
}
