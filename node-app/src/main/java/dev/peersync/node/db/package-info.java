/** The node's database: an external PostgreSQL or the embedded one, the node's own tables and its persistent name. */
package dev.peersync.node.db;
