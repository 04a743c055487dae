package dev.peersync.transport.netty.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Inputs for the fuzz tests, derived from valid frames so that they get past the first checks. */
public final class FuzzInputs {
    private FuzzInputs() {
    }

    /** Valid frame encodings that mutations start from. */
    public static List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        SampleFrames.all().values().forEach(f -> seeds.add(FrameBytes.encode(f)));
        SampleFrames.all().values().forEach(f -> seeds.add(FrameBytes.encode(f, true)));
        return seeds;
    }

    /** One fuzz input: random bytes, a mutated valid frame, or a valid header with a random body. */
    public static byte[] input(Random random, List<byte[]> seeds) {
        switch (random.nextInt(4)) {
            case 0 -> {
                byte[] junk = new byte[1 + random.nextInt(300)];
                random.nextBytes(junk);
                return junk;
            }
            case 1 -> {
                byte[] frame = seeds.get(random.nextInt(seeds.size())).clone();
                for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                    frame[random.nextInt(frame.length)] = (byte) random.nextInt(256);
                }
                return frame;
            }
            case 2 -> {
                byte[] frame = seeds.get(random.nextInt(seeds.size()));
                byte[] cut = new byte[random.nextInt(frame.length + 1)];
                System.arraycopy(frame, 0, cut, 0, cut.length);
                return cut;
            }
            default -> {
                byte[] body = new byte[random.nextInt(200)];
                random.nextBytes(body);
                if (random.nextBoolean() && body.length > 2) {
                    body[0] = '{';
                    body[body.length - 1] = '}';
                }
                return FrameBytes.raw(random.nextInt(40), random.nextInt(3), body);
            }
        }
    }

}
