package dev.peersync.node.config;

/** A setting is invalid: the node does not start. The message names the variable, its value and where it came from. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
