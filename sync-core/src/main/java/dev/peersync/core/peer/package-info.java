/** The peers a node knows, where they were seen and their health; discovery and operators add to it. */
package dev.peersync.core.peer;
