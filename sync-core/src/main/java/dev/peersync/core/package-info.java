/**
 * sync-core's vocabulary: node ids, versions (hybrid logical clock + origin), the merge rule (one home, as Java and as
 * SQL text), column versions and the shared log limiter.
 */
package dev.peersync.core;
