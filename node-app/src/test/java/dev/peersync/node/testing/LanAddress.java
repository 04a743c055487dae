package dev.peersync.node.testing;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;

/**
 * A non-loopback IPv4 address of this host. A connection to it comes from it too, so a node sees the client as
 * another host on the network: the way tests play the stranger without a second machine.
 */
public final class LanAddress {
    private LanAddress() {
    }

    public static String get() {
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (nic.isUp() && !nic.isLoopback()) {
                    for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                        if (address instanceof Inet4Address) {
                            return address.getHostAddress();
                        }
                    }
                }
            }
        } catch (SocketException e) {
            throw new IllegalStateException("cannot list network interfaces", e);
        }
        throw new AssertionError("this test needs a non-loopback IPv4 address on this host; none is up");
    }
}
