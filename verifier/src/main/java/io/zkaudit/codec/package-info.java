/**
 * zkaudit's binary encoding: a defensive reader (every read bounds-checked, field elements
 * canonical, lengths capped before allocation) and its writer. Every proof, key and description is
 * written with these, so a hostile byte string fails here with a reason rather than deeper in.
 */
package io.zkaudit.codec;
