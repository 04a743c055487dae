/** Benchmark harness: figures measured side by side with PostgreSQL's native logical replication. */
package dev.peersync.bench;
