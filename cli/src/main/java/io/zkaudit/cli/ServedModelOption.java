package io.zkaudit.cli;

import com.google.protobuf.ByteString;
import io.zkaudit.protocols.Hex;
import io.zkaudit.protocols.buyer.BuyerClient;
import io.zkaudit.protocols.buyer.BuyerException;
import io.zkaudit.protocols.buyer.RegisteredModel;
import java.util.HexFormat;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --model HEX}: which of the seller's models a buyer command is about. */
final class ServedModelOption {
  @Option(
      names = "--model",
      description = "the model id (hex); needed when the seller serves more than one")
  String id;

  /** The model named by --model, or the seller's only model; a usage error names the choices. */
  RegisteredModel choose(BuyerClient buyer) throws BuyerException {
    if (id != null) {
      byte[] bytes;
      try {
        bytes = HexFormat.of().parseHex(id.strip());
      } catch (IllegalArgumentException e) {
        throw CliException.usage("--model is a model id in hex: " + e.getMessage());
      }
      if (bytes.length != 32) {
        throw CliException.usage(
            "--model is 64 hex digits (a SHA-256), not " + id.length() + " characters");
      }
      return buyer.model(ByteString.copyFrom(bytes));
    }
    List<RegisteredModel> models = buyer.models();
    if (models.size() != 1) {
      StringBuilder b =
          new StringBuilder(
              "the seller serves " + models.size() + " models; pick one with --model:");
      models.forEach(
          m ->
              b.append(' ')
                  .append(Hex.of(m.id()))
                  .append(" (")
                  .append(m.entry().getName())
                  .append(')'));
      throw CliException.usage(b.toString());
    }
    return models.get(0);
  }
}
