package io.zkaudit.engine;

/** One compiled layer: reads tensor values by id, returns its output; fills acc when tracing. */
interface Kernel {
  /**
   * @param values every tensor's value by id (inputs already computed)
   * @param acc null, or an array of the output's size to receive the raw accumulators
   */
  int[] run(int[][] values, long[] acc);

  /** Whether this layer has accumulators worth tracing. */
  default boolean hasAccumulators() {
    return true;
  }
}
