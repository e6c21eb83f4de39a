package io.zkaudit.protocols.seller;

/** A committed item: its position in the set, name and tensor (the model's quantized input). */
public record ItemRecord(int position, String name, int[] tensor) {}
