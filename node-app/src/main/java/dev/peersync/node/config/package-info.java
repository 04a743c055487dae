/** Configuration from environment variables, flags and a {@code .env} file, checked at start (weak secrets refused, names in every error). */
package dev.peersync.node.config;
