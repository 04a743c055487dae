/** Prometheus metrics of the engine, the sync events and the HTTP requests (Micrometer). */
package dev.peersync.node.metrics;
