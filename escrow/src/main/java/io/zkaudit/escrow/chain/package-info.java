/**
 * A local Anvil node for tests and the demo: where its executable is (installed by the escrow
 * module's npm step) and a running node on loopback with its accounts.
 */
package io.zkaudit.escrow.chain;
