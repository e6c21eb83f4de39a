package io.zkaudit.protocols;

import io.zkaudit.data.Cifar10;
import io.zkaudit.data.InputEncoder;
import io.zkaudit.data.PixelRange;
import io.zkaudit.data.Sample;
import io.zkaudit.data.SharedData;
import io.zkaudit.model.TensorSpec;
import io.zkaudit.protocols.seller.SellerRetrieval;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** CIFAR-10 test images as ResNet-8 inputs: items a seller commits to in retrieval tests. */
final class CifarItems {
  private CifarItems() {}

  /**
   * The given positions of a 20-image stratified subset of the (class-sorted) test batch, so that
   * neighbouring positions mostly share a class: positions 0..5 hold classes 0, 0, 1, 1, 2, 2.
   */
  static List<SellerRetrieval.Item> items(int... positions) throws Exception {
    var file = SharedData.resolve("data/cifar10/test_batch.bin");
    Assumptions.assumeTrue(
        file.isPresent(),
        "skipped: ../shared/data/cifar10/test_batch.bin is not present (it is in CI)");
    List<Sample> all = Cifar10.testSet(file.get(), 20);
    var m = Resnet8.model();
    TensorSpec spec = m.model().description().tensor(m.circuit().inputTensor());
    InputEncoder encoder = new InputEncoder(spec.shapeArray(), 1.0, PixelRange.of(spec));
    List<SellerRetrieval.Item> out = new ArrayList<>();
    for (int p : positions) {
      Sample s = all.get(p);
      out.add(new SellerRetrieval.Item(s.id(), encoder.quantized(s.image(), spec)));
    }
    return out;
  }
}
