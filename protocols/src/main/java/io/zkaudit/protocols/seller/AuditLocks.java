package io.zkaudit.protocols.seller;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One lock per audit, shared by every step of the seller's side: an audit's steps run one at a
 * time, so two retries cannot both prove a sample or both settle it.
 */
final class AuditLocks {
  private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

  Object of(String auditId) {
    return locks.computeIfAbsent(auditId, k -> new Object());
  }
}
