package io.zkaudit.protocols.seller;

/**
 * An accuracy-proof audit's test-set commitment T as the seller stores it (migration V22): T's
 * encoding as the buyer committed it; once the reveal is complete either the seed that opens T with
 * the revealed samples, or why the reveal was refused (it does not open T). Both null while the
 * reveal is under way.
 */
public record StoredTestSet(byte[] commitment, byte[] seed, String refusal) {}
