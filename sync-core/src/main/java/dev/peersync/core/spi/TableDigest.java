package dev.peersync.core.spi;

/**
 * Summary of one table's sync state: a hash over (pk, version, deleted) of every row, tombstones included.
 *
 * @param table       synced table name
 * @param rootHash    hash over all bucket hashes, hex; equal on two nodes iff (with overwhelming probability)
 *                    they hold the same versions
 * @param bucketCount size of the fixed bucket space
 * @param rowCount    live rows (not tombstones)
 * @param maxHlc      highest version clock seen in the table, 0 when empty
 */
public record TableDigest(String table, String rootHash, int bucketCount, long rowCount, long maxHlc) {
}
