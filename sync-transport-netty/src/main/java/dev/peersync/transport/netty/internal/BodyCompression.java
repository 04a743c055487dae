package dev.peersync.transport.netty.internal;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Raw deflate (no zlib header) of frame bodies, from the JDK: no extra dependency, and at BEST_SPEED it runs
 * at hundreds of MB/s. Inflating never produces more than the caller's bound, so a "zip bomb" frame fails
 * instead of exhausting memory.
 */
final class BodyCompression {
    private BodyCompression() {
    }

    static byte[] deflate(byte[] input) {
        Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
        try {
            deflater.setInput(input);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, input.length / 3));
            byte[] chunk = new byte[16 * 1024];
            while (!deflater.finished()) {
                int n = deflater.deflate(chunk);
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    /** Inflates {@code input}; throws when it is not valid deflate data or inflates to more than {@code maxSize}. */
    static byte[] inflate(byte[] input, int maxSize) throws DataFormatException {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(input);
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxSize, Math.max(64, input.length * 4)));
            byte[] chunk = new byte[16 * 1024];
            while (!inflater.finished()) {
                int n = inflater.inflate(chunk);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new DataFormatException("compressed body is truncated");
                }
                if (out.size() + n > maxSize) {
                    throw new DataFormatException("compressed body inflates to more than " + maxSize + " bytes");
                }
                out.write(chunk, 0, n);
            }
            if (inflater.getRemaining() > 0) {
                throw new DataFormatException("compressed body has " + inflater.getRemaining() + " trailing bytes");
            }
            return out.toByteArray();
        } finally {
            inflater.end();
        }
    }
}
