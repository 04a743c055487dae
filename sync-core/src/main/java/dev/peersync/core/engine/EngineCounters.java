package dev.peersync.core.engine;

import java.util.concurrent.atomic.AtomicLong;

/** Engine-wide counters since start. */
final class EngineCounters {
    final AtomicLong rounds = new AtomicLong();
    final AtomicLong conflicts = new AtomicLong();
}
