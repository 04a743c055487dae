/** Implementation of the facade; not exported. */
package dev.peersync.embedded.internal;
