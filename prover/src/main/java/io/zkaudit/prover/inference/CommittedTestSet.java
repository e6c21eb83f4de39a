package io.zkaudit.prover.inference;

import io.zkaudit.inference.TestSetCommitment;
import io.zkaudit.inference.TestSetReveal;
import io.zkaudit.prover.pcs.Committed;

/**
 * A test set committed by its buyer ({@link TestSets}): the public {@link TestSetCommitment} T, the
 * {@link TestSetReveal} that opens it, and what proving against it reads (T's input column, its
 * label column, the commitment's codeword). The buyer makes one with {@link TestSets#commit}; the
 * seller rebuilds it from the reveal, checked against T, with {@link TestSets#open}.
 */
public record CommittedTestSet(
    TestSetCommitment commitment,
    TestSetReveal reveal,
    long[] inputColumn,
    long[] labelColumn,
    Committed committed) {}
