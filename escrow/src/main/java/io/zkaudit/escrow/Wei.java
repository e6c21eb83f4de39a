package io.zkaudit.escrow;

import java.math.BigDecimal;
import java.math.BigInteger;
import org.web3j.utils.Convert;

/** Amounts of ether, always carried as BigInteger wei inside the module. */
public final class Wei {
  private Wei() {}

  public static BigInteger ether(long ether) {
    return BigInteger.TEN.pow(18).multiply(BigInteger.valueOf(ether));
  }

  public static BigInteger ether(String ether) {
    return Convert.toWei(new BigDecimal(ether), Convert.Unit.ETHER).toBigIntegerExact();
  }

  public static BigInteger gwei(long gwei) {
    return BigInteger.TEN.pow(9).multiply(BigInteger.valueOf(gwei));
  }
}
