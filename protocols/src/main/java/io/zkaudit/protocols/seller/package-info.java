/**
 * The seller: the four protocols' services over one domain. {@link
 * io.zkaudit.protocols.seller.Seller} composes the parts by concern (registry and rotations,
 * predictions, proving with its hiding budget, contests, chain mirroring; accuracy audits and
 * retrieval in their own classes), each persisted in H2 or PostgreSQL through the stores. The gRPC
 * services are thin over them: a domain refusal carries a {@link
 * io.zkaudit.protocols.seller.RequestRejected.Reason}, mapped to a gRPC status only at the edge
 * ({@link io.zkaudit.protocols.seller.GrpcErrors}), and the server takes its transport from the
 * caller (sockets with TLS, or in-process in tests). docs/protocols.md and docs/operations.md.
 */
package io.zkaudit.protocols.seller;
