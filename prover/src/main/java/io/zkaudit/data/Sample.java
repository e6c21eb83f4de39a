package io.zkaudit.data;

/** One labelled example: an 8-bit image and its class index in the model's output numbering. */
public record Sample(String id, Image image, int label) {}
