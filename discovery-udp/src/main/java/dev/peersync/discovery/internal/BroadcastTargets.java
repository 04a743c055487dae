package dev.peersync.discovery.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Where announcements go: every destination address on every target port.
 *
 * <ul>
 *   <li>Bound to a loopback address (tests, single-host setups): {@code 127.0.0.1} only; the LAN never sees it.</li>
 *   <li>Bound to the wildcard address: the broadcast address of every up, broadcast-capable IPv4 interface
 *   (nodes on this LAN segment), {@code 255.255.255.255} (the same, where a route for it exists) and
 *   {@code 127.0.0.1} (nodes on this host even when no interface can broadcast).</li>
 *   <li>Bound to one interface address: that interface's broadcast address.</li>
 * </ul>
 * Interfaces are listed again on every call, so an interface that comes up later is used.
 */
public final class BroadcastTargets {
    public static final InetAddress LIMITED_BROADCAST = ipv4(255, 255, 255, 255);
    private static final InetAddress LOOPBACK = ipv4(127, 0, 0, 1);

    private final InetAddress bindAddress;
    private final List<Integer> ports;
    private final DiscoveryScope scope;

    public BroadcastTargets(InetAddress bindAddress, Set<Integer> ports) {
        this(bindAddress, ports, DiscoveryScope.of(false, java.util.Optional.empty()));
    }

    /** With a {@code scope}: only 127.0.0.1 when it is this host, only its interface's broadcasts when it has one. */
    public BroadcastTargets(InetAddress bindAddress, Set<Integer> ports, DiscoveryScope scope) {
        this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
        this.ports = List.copyOf(new LinkedHashSet<>(Objects.requireNonNull(ports, "ports")));
        this.scope = Objects.requireNonNull(scope, "scope");
    }

    /** The destinations now. Throws SocketException when the interfaces cannot be listed. */
    public List<InetSocketAddress> resolve() throws SocketException {
        Set<InetAddress> addresses = new LinkedHashSet<>();
        if (bindAddress.isLoopbackAddress() || scope.loopbackOnly()) {
            addresses.add(LOOPBACK);
        } else if (scope.networkInterface().isPresent()) {
            addresses.addAll(scope.interfaceBroadcasts());
        } else {
            addresses.addAll(interfaceBroadcasts());
            if (bindAddress.isAnyLocalAddress()) {
                addresses.add(LIMITED_BROADCAST);
                addresses.add(LOOPBACK);
            }
        }
        List<InetSocketAddress> destinations = new ArrayList<>();
        for (InetAddress address : addresses) {
            for (int port : ports) {
                destinations.add(new InetSocketAddress(address, port));
            }
        }
        return destinations;
    }

    private List<InetAddress> interfaceBroadcasts() throws SocketException {
        List<InetAddress> broadcasts = new ArrayList<>();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InterfaceAddress address : nic.getInterfaceAddresses()) {
                boolean ours = bindAddress.isAnyLocalAddress() || address.getAddress().equals(bindAddress);
                if (ours && address.getAddress() instanceof Inet4Address && address.getBroadcast() != null) {
                    broadcasts.add(address.getBroadcast());
                }
            }
        }
        return broadcasts;
    }

    private static InetAddress ipv4(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("a four-byte address is always valid", e);
        }
    }
}
