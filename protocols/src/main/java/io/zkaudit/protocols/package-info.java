/**
 * What seller and buyer share: the statements they sign (predictions, audits, retrievals), party
 * keys, item commitments, tensor encodings, and a buyer's labelled audit test sets ({@link
 * io.zkaudit.protocols.AuditDatasets}). The services are in {@code .seller} and {@code .buyer}, the
 * on-chain side in {@code .chain}.
 */
package io.zkaudit.protocols;
