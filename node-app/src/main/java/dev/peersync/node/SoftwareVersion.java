package dev.peersync.node;

/** The running software's version, as peers and clients see it. */
public final class SoftwareVersion {
    /** The API version reported to peers and by the status endpoint. */
    public static final String VALUE = "0.1.0";

    private SoftwareVersion() {
    }
}
