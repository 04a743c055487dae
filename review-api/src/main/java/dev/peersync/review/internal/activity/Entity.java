package dev.peersync.review.internal.activity;

import java.util.UUID;

/** Anything the API writes and answers: its id names it in {@code activity_logs}. */
public interface Entity {
    UUID id();
}
