/** zkaudit's verifier module: the specification of every proof. */
package io.zkaudit;
