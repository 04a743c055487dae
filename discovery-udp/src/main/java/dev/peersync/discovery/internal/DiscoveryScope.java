package dev.peersync.discovery.internal;

import dev.peersync.discovery.DiscoveryException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which hosts discovery talks with: everyone (all interfaces), the subnets of one interface (DISCOVERY_INTERFACE),
 * or only this host (protected mode: no cluster secret, since anyone could forge an unsigned announcement).
 * Decides the destinations of announcements and which sources are heard.
 */
public final class DiscoveryScope {
    private final boolean loopbackOnly;
    private final Optional<NetworkInterface> nic;

    private DiscoveryScope(boolean loopbackOnly, Optional<NetworkInterface> nic) {
        this.loopbackOnly = loopbackOnly;
        this.nic = nic;
    }

    /**
     * @throws DiscoveryException when {@code interfaceName} is not an interface of this host
     */
    public static DiscoveryScope of(boolean loopbackOnly, Optional<String> interfaceName) {
        Objects.requireNonNull(interfaceName, "interfaceName");
        Optional<NetworkInterface> nic = interfaceName.map(DiscoveryScope::lookUp);
        return new DiscoveryScope(loopbackOnly, nic);
    }

    private static NetworkInterface lookUp(String name) {
        try {
            NetworkInterface nic = NetworkInterface.getByName(name);
            if (nic == null) {
                throw new DiscoveryException("Discovery interface '" + name + "' does not exist on this host");
            }
            return nic;
        } catch (SocketException e) {
            throw new DiscoveryException("Cannot look up discovery interface '" + name + "': " + e.getMessage(), e);
        }
    }

    /** Only 127.0.0.1 is announced to: the scope is this host (protected mode, or the loopback interface). */
    boolean loopbackOnly() {
        return loopbackOnly || nic.map(DiscoveryScope::isLoopback).orElse(false);
    }

    /** The one interface announcements go out on, when one is configured and it is not loopback. */
    Optional<NetworkInterface> networkInterface() {
        return loopbackOnly() ? Optional.empty() : nic;
    }

    /** True when a datagram from {@code source} may be heard. */
    public boolean admits(InetAddress source) {
        if (loopbackOnly()) {
            return source.isLoopbackAddress();
        }
        if (nic.isEmpty()) {
            return true;
        }
        for (InterfaceAddress address : nic.get().getInterfaceAddresses()) {
            if (address.getAddress() instanceof Inet4Address && sameSubnet(address, source)) {
                return true;
            }
        }
        return false;
    }

    /** Broadcast addresses of the configured interface (empty when none is configured). */
    List<InetAddress> interfaceBroadcasts() {
        List<InetAddress> broadcasts = new ArrayList<>();
        networkInterface().ifPresent(n -> {
            for (InterfaceAddress address : n.getInterfaceAddresses()) {
                if (address.getAddress() instanceof Inet4Address && address.getBroadcast() != null) {
                    broadcasts.add(address.getBroadcast());
                }
            }
        });
        return broadcasts;
    }

    /** Why a source outside the scope was not heard, for the drop log. */
    public String hint() {
        return loopbackOnly
                ? "no cluster secret is set, so discovery hears this host only (protected mode); set the same "
                + "CLUSTER_SECRET on every node to find peers on other hosts"
                : "discovery is limited to interface " + nic.map(NetworkInterface::getName).orElse("?")
                + " (DISCOVERY_INTERFACE)";
    }

    @Override
    public String toString() {
        return loopbackOnly ? "this host only (no cluster secret)"
                : nic.map(n -> "interface " + n.getName()).orElse("all interfaces");
    }

    private static boolean sameSubnet(InterfaceAddress network, InetAddress source) {
        if (!(source instanceof Inet4Address)) {
            return false;
        }
        int prefix = network.getNetworkPrefixLength();
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        return (toInt(network.getAddress()) & mask) == (toInt(source) & mask);
    }

    private static int toInt(InetAddress address) {
        byte[] b = address.getAddress();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    private static boolean isLoopback(NetworkInterface nic) {
        try {
            return nic.isLoopback();
        } catch (SocketException e) {
            throw new DiscoveryException("Cannot inspect discovery interface '" + nic.getName() + "'", e);
        }
    }
}
