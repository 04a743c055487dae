package dev.peersync.transport.netty.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An on-path attacker between one dialler and one server on loopback: forwards bytes both ways, and when armed
 * flips one bit of the next chunk travelling in the armed direction (the first armed chunk only). Plain threads and
 * sockets, so what it does is exactly what the bytes say.
 */
public final class TamperingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final AtomicBoolean armedToServer = new AtomicBoolean();
    private final AtomicBoolean armedToClient = new AtomicBoolean();
    private final AtomicInteger altered = new AtomicInteger();
    private volatile Socket client;
    private volatile Socket server;

    public TamperingProxy(int targetPort) throws IOException {
        this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
        this.listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptOne, "tampering-proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** The next chunk from the dialler to the server gets one bit flipped. */
    public void alterNextToServer() {
        armedToServer.set(true);
    }

    /** The next chunk from the server to the dialler gets one bit flipped. */
    public void alterNextToClient() {
        armedToClient.set(true);
    }

    /** How many chunks were altered so far. */
    public int altered() {
        return altered.get();
    }

    private void acceptOne() {
        try {
            client = listener.accept();
            server = new Socket();
            server.connect(target, 2000);
            pump(client.getInputStream(), server.getOutputStream(), armedToServer, "to-server");
            pump(server.getInputStream(), client.getOutputStream(), armedToClient, "to-client");
        } catch (IOException e) {
            // the test closed the proxy, or a side hung up: nothing more to forward
        }
    }

    private void pump(InputStream in, OutputStream out, AtomicBoolean armed, String name) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (n > 0 && armed.compareAndSet(true, false)) {
                        buffer[n - 1] ^= 0x01; // the last byte: inside the body or the tag of the last frame
                        altered.incrementAndGet();
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // connection closed
            } finally {
                closeQuietly();
            }
        }, "tampering-proxy-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    private void closeQuietly() {
        for (Socket s : new Socket[] {client, server}) {
            if (s != null) {
                try {
                    s.close();
                } catch (IOException e) {
                    // already closed
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        closeQuietly();
    }
}
