package dev.peersync.node.p2p;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peersync.core.engine.SyncEngine;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET/POST /api/v1/p2p/config}: the settings that can change while the node runs.
 * <pre>{"sync_interval": 30, "enable_p2p_sync": true, "enable_auto_discovery": true}</pre>
 * A POST may send any subset; every field is validated before anything is applied, so a bad request changes
 * nothing. Changes live until restart (the environment decides the values at start).
 */
public final class LiveConfig {
    private static final Logger log = LoggerFactory.getLogger(LiveConfig.class);
    static final long MAX_INTERVAL_SECONDS = 86_400;
    private static final Set<String> FIELDS = Set.of("sync_interval", "enable_p2p_sync", "enable_auto_discovery");

    private final SyncEngine engine;
    private final DiscoveryControl discovery;
    private final ObjectMapper mapper;

    public LiveConfig(SyncEngine engine, DiscoveryControl discovery, ObjectMapper mapper) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.discovery = Objects.requireNonNull(discovery, "discovery");
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    public Map<String, Object> current() {
        return view(engine.settings().enabled(), engine.settings().syncInterval(), discovery.enabled());
    }

    static Map<String, Object> view(boolean syncEnabled, Duration interval, boolean discoveryEnabled) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("sync_interval", interval.toSeconds());
        config.put("enable_p2p_sync", syncEnabled);
        config.put("enable_auto_discovery", discoveryEnabled);
        return config;
    }

    /** Validates the whole body, then applies it; returns the configuration now in effect. */
    public Map<String, Object> update(String body) {
        JsonNode node = JsonBodies.object(mapper, body);
        JsonBodies.onlyKnownFields(node, FIELDS);
        Optional<Long> interval = JsonBodies.optionalLong(node, "sync_interval", 1, MAX_INTERVAL_SECONDS);
        Optional<Boolean> sync = JsonBodies.optionalBoolean(node, "enable_p2p_sync");
        Optional<Boolean> autoDiscovery = JsonBodies.optionalBoolean(node, "enable_auto_discovery");
        interval.ifPresent(seconds -> engine.setSyncInterval(Duration.ofSeconds(seconds)));
        sync.ifPresent(engine::setEnabled);
        autoDiscovery.ifPresent(discovery::setEnabled);
        Map<String, Object> now = current();
        log.info("Configuration changed through the API: {}", now);
        return now;
    }
}
