package dev.peersync.transport.netty.internal;

import dev.peersync.core.spi.NodeHello;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/** A hand-driven peer on a plain socket: sends whatever bytes a test wants, reads frames when asked. */
public final class RawPeer implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    public RawPeer(InetSocketAddress server) throws IOException {
        this(new InetSocketAddress("127.0.0.1", server.getPort()), true);
    }

    /** Connects to exactly {@code server} (for example a non-loopback address of this host). */
    public RawPeer(InetSocketAddress server, boolean exact) throws IOException {
        socket = new Socket();
        socket.connect(server, 2000);
        socket.setSoTimeout(5000);
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
    }

    /** Drives a connection a test's own server accepted (a fake peer that our node dials). */
    public RawPeer(Socket accepted) throws IOException {
        socket = accepted;
        socket.setSoTimeout(5000);
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
    }

    /** Sends an open-mode HELLO; the server completes the handshake on it. */
    public RawPeer helloOpen(NodeHello node) throws IOException {
        send(Frame.oneWay(MessageType.HELLO, new Bodies.Hello(WireFormat.VERSION, Bodies.Node.of(node),
                HandshakeAuth.newNonce(), false, 0)));
        return this;
    }

    public void send(Frame frame) throws IOException {
        send(FrameBytes.encode(frame));
    }

    public void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public Frame read() throws IOException {
        byte[] header = new byte[WireFormat.HEADER_SIZE];
        in.readFully(header);
        int length = ByteBuffer.wrap(header).getInt(WireFormat.LENGTH_OFFSET);
        byte[] frame = new byte[WireFormat.HEADER_SIZE + length];
        System.arraycopy(header, 0, frame, 0, header.length);
        in.readFully(frame, header.length, length);
        return FrameBytes.decode(frame);
    }

    /** Reads frames until the server closes; returns the REJECT seen last, or null. Fails after the socket timeout. */
    public Bodies.Reject readUntilClosed() throws IOException {
        Bodies.Reject reject = null;
        try {
            while (true) {
                Frame frame = read();
                if (frame.type() == MessageType.REJECT) {
                    reject = frame.body(Bodies.Reject.class);
                }
            }
        } catch (EOFException | java.net.SocketException e) {
            return reject;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("server did not close the connection within the socket timeout", e);
        }
    }

    /** Reads and drops whatever arrives until the server closes or the read timeout passes. */
    public void drain() throws IOException {
        byte[] sink = new byte[8192];
        try {
            while (in.read(sink) >= 0) {
                // discard
            }
        } catch (SocketTimeoutException e) {
            // the server kept the connection open: fine, the input may have been valid
        }
    }

    public void setReadTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
