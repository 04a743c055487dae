package dev.peersync.node.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns raw settings into a {@link NodeConfig}.
 *
 * <p>Precedence, highest first: command-line flag, process environment, {@code .env} file, default.
 * Every value is validated here, once; a bad one throws {@link ConfigException} naming the variable, the
 * flag, the value and where it came from, so the operator knows what to fix.
 */
public final class ConfigLoader {
    /** The review API signs tokens with HMAC-SHA256 and wants a key of at least 32 bytes. */
    static final int MIN_JWT_SECRET_BYTES = 32;
    static final int MIN_CLUSTER_SECRET_BYTES = 32;
    static final int MIN_ADMIN_TOKEN_BYTES = 24;
    private final Map<Setting, String> flags;
    private final Map<String, String> environment;
    private final Map<String, String> dotenv;

    /**
     * @param flags       values given on the command line
     * @param environment the process environment
     * @param dotenv      entries declared in the .env file (not the environment it merges in)
     */
    public ConfigLoader(Map<Setting, String> flags, Map<String, String> environment, Map<String, String> dotenv) {
        this.flags = flags.isEmpty() ? new EnumMap<>(Setting.class) : new EnumMap<>(flags);
        this.environment = Map.copyOf(environment);
        this.dotenv = Map.copyOf(dotenv);
    }

    /** A raw value and where it came from, for messages. */
    private record Raw(String value, String source) {
    }

    private Raw raw(Setting setting) {
        String flag = flags.get(setting);
        if (flag != null) {
            return new Raw(flag, "command line");
        }
        String env = environment.get(setting.variable());
        if (env != null) {
            return new Raw(env, "environment");
        }
        String file = dotenv.get(setting.variable());
        if (file != null) {
            return new Raw(file, ".env file");
        }
        return new Raw(setting.defaultValue(), "default");
    }

    public NodeConfig load() {
        int apiPort = port(Setting.API_PORT);
        int p2pPort = port(Setting.P2P_PORT);
        int discoveryPort = port(Setting.DISCOVERY_PORT);
        if (apiPort == p2pPort) {
            throw new ConfigException(Setting.API_PORT.label() + " and " + Setting.P2P_PORT.label()
                    + " must differ (both TCP), both are " + apiPort);
        }
        Optional<String> nodeName = optionalText(Setting.NODE_NAME);
        nodeName.ifPresent(this::checkNodeName);
        Duration interval = Duration.ofSeconds(wholeNumber(Setting.SYNC_INTERVAL, 1, 86_400));
        Optional<DatabaseUrl> database = optionalText(Setting.DATABASE_URL).map(this::databaseUrl);
        Optional<String> clusterSecret = secret(Setting.CLUSTER_SECRET, MIN_CLUSTER_SECRET_BYTES);
        String clusterId = optionalText(Setting.CLUSTER_ID).orElseThrow(
                () -> invalid(Setting.CLUSTER_ID, "must not be empty"));
        Optional<String> jwt = secret(Setting.JWT_SECRET, MIN_JWT_SECRET_BYTES);
        Optional<String> adminToken = secret(Setting.ADMIN_TOKEN, MIN_ADMIN_TOKEN_BYTES);
        Path dataDir = path(Setting.DATA_DIR);
        Duration maxOffset = Duration.ofMillis(wholeNumber(Setting.MAX_CLOCK_OFFSET_MS, 1, Long.MAX_VALUE));
        List<Integer> peerPorts = portList(Setting.DISCOVERY_PEER_PORTS);
        int embeddedPgPort = (int) wholeNumber(Setting.EMBEDDED_PG_PORT, 0, 65_535);
        Duration clockOffset = Duration.ofMillis(wholeNumber(Setting.CLOCK_OFFSET_MS, -86_400_000L, 86_400_000L));
        return new NodeConfig(apiPort, p2pPort, discoveryPort, nodeName, bool(Setting.ENABLE_P2P_SYNC),
                bool(Setting.ENABLE_AUTO_DISCOVERY), interval, database, clusterSecret, clusterId,
                jwt.orElseGet(ConfigLoader::randomSecret), jwt.isEmpty(), adminToken, dataDir, maxOffset, peerPorts,
                embeddedPgPort, clockOffset, network(clusterSecret.isPresent()), new NodeConfig.Tombstones(
                Duration.ofHours(wholeNumber(Setting.TOMBSTONE_RETENTION_HOURS, 1, 87_600)),
                Duration.ofSeconds(wholeNumber(Setting.TOMBSTONE_GC_INTERVAL, 1, 86_400))),
                Duration.ofDays(wholeNumber(Setting.CONFLICT_RETENTION_DAYS, 1, 3_650)), logging(), siteMigrations());
    }

    private NodeConfig.Logging logging() {
        String level = raw(Setting.LOG_LEVEL).value().trim().toUpperCase(Locale.ROOT);
        if (!List.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE").contains(level)) {
            throw invalid(Setting.LOG_LEVEL, "must be one of error, warn, info, debug, trace");
        }
        String format = raw(Setting.LOG_FORMAT).value().trim().toLowerCase(Locale.ROOT);
        if (!format.equals("text") && !format.equals("json")) {
            throw invalid(Setting.LOG_FORMAT, "must be text or json");
        }
        return new NodeConfig.Logging(level, format.equals("json"));
    }

    private NetworkConfig network(boolean hasSecret) {
        String bind = optionalText(Setting.BIND_ADDRESS).orElseThrow(
                () -> invalid(Setting.BIND_ADDRESS, "must not be empty (0.0.0.0 listens on all interfaces)"));
        checkAddress(bind);
        Optional<String> nic = optionalText(Setting.DISCOVERY_INTERFACE);
        nic.ifPresent(name -> checkInterface(name, hasSecret));
        return new NetworkConfig(bind, nic, tls(), origins(Setting.CORS_ORIGINS));
    }

    /**
     * An optional secret: refused when shorter than {@code minBytes} or recognisably not random (a placeholder,
     * few distinct characters), with the command that makes a good one. The value itself is never echoed.
     */
    private Optional<String> secret(Setting setting, int minBytes) {
        Optional<String> value = optionalText(setting);
        value.ifPresent(v -> WeakSecrets.problem(v, minBytes).ifPresent(problem -> {
            throw invalid(setting, problem + "; generate one with `openssl rand -base64 48`"
                    + (setting == Setting.ADMIN_TOKEN ? "" : " and use the same value on every node"));
        }));
        return value;
    }

    private void checkAddress(String address) {
        try {
            java.net.InetAddress.getByName(address);
        } catch (java.net.UnknownHostException e) {
            throw invalid(Setting.BIND_ADDRESS, "is not an address of this host (e.g. 0.0.0.0, 127.0.0.1, 10.0.0.5)");
        }
    }

    private void checkInterface(String name, boolean hasSecret) {
        java.net.NetworkInterface nic;
        try {
            nic = java.net.NetworkInterface.getByName(name);
        } catch (java.net.SocketException e) {
            throw invalid(Setting.DISCOVERY_INTERFACE, "cannot be looked up: " + e.getMessage());
        }
        if (nic == null) {
            throw invalid(Setting.DISCOVERY_INTERFACE, "is not a network interface of this host; interfaces: "
                    + interfaceNames());
        }
        boolean loopback;
        try {
            loopback = nic.isLoopback();
        } catch (java.net.SocketException e) {
            throw invalid(Setting.DISCOVERY_INTERFACE, "cannot be inspected: " + e.getMessage());
        }
        if (!loopback && !hasSecret) {
            throw invalid(Setting.DISCOVERY_INTERFACE, "names a network interface, but without "
                    + Setting.CLUSTER_SECRET.variable() + " discovery serves peers on this host only: set "
                    + Setting.CLUSTER_SECRET.variable() + " (`openssl rand -base64 48`, the same on every node) "
                    + "to find peers on other hosts");
        }
    }

    private static List<String> interfaceNames() {
        try {
            return java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                    .map(java.net.NetworkInterface::getName).sorted().toList();
        } catch (java.net.SocketException e) {
            return List.of("(cannot be listed: " + e.getMessage() + ")");
        }
    }

    private Optional<NetworkConfig.TlsFiles> tls() {
        Optional<Path> cert = optionalText(Setting.P2P_TLS_CERT).map(v -> readableFile(Setting.P2P_TLS_CERT));
        Optional<Path> key = optionalText(Setting.P2P_TLS_KEY).map(v -> readableFile(Setting.P2P_TLS_KEY));
        Optional<Path> ca = optionalText(Setting.P2P_TLS_CA).map(v -> readableFile(Setting.P2P_TLS_CA));
        if (cert.isPresent() != key.isPresent()) {
            throw invalid(cert.isPresent() ? Setting.P2P_TLS_KEY : Setting.P2P_TLS_CERT, "must be set together with "
                    + (cert.isPresent() ? Setting.P2P_TLS_CERT : Setting.P2P_TLS_KEY).variable());
        }
        if (cert.isEmpty() && ca.isPresent()) {
            throw invalid(Setting.P2P_TLS_CA, "needs " + Setting.P2P_TLS_CERT.variable() + " and "
                    + Setting.P2P_TLS_KEY.variable());
        }
        return cert.map(c -> new NetworkConfig.TlsFiles(c, key.get(), ca));
    }

    private Path readableFile(Setting setting) {
        Path file = path(setting);
        if (!java.nio.file.Files.isReadable(file)) {
            throw invalid(setting, "is not a readable file");
        }
        return file;
    }

    private List<String> origins(Setting setting) {
        String value = raw(setting).value().trim();
        List<String> origins = new ArrayList<>();
        if (value.isEmpty()) {
            return origins;
        }
        for (String part : value.split(",")) {
            String origin = part.trim();
            if (!origin.matches("https?://[A-Za-z0-9.\\[\\]:-]+")) {
                throw invalid(setting, "must list origins like http://10.0.0.5:8000 (scheme, host, optional port; no "
                        + "path), separated by commas; '" + origin + "' is not one");
            }
            origins.add(origin);
        }
        return origins;
    }

    private ConfigException invalid(Setting setting, String problem) {
        Raw raw = raw(setting);
        boolean secret = setting == Setting.JWT_SECRET || setting == Setting.CLUSTER_SECRET
                || setting == Setting.ADMIN_TOKEN || setting == Setting.DATABASE_URL;
        String shown = secret ? "" : ", got '" + raw.value() + "'";
        return new ConfigException(setting.label() + " " + problem + shown + " (from " + raw.source() + ")");
    }

    private Optional<String> optionalText(Setting setting) {
        String value = raw(setting).value().trim();
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    private int port(Setting setting) {
        return (int) wholeNumber(setting, 1, 65_535);
    }

    private long wholeNumber(Setting setting, long min, long max) {
        String value = raw(setting).value().trim();
        long parsed;
        try {
            parsed = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw invalid(setting, "must be a whole number in " + min + ".." + max);
        }
        if (parsed < min || parsed > max) {
            throw invalid(setting, "must be in " + min + ".." + max);
        }
        return parsed;
    }

    private boolean bool(Setting setting) {
        return switch (raw(setting).value().trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw invalid(setting, "must be true or false");
        };
    }

    private void checkNodeName(String name) {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
            throw invalid(Setting.NODE_NAME, "must be 1-63 letters, digits, '.', '_' or '-', starting with a letter "
                    + "or digit (it names a directory)");
        }
    }

    private DatabaseUrl databaseUrl(String text) {
        try {
            return DatabaseUrl.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(Setting.DATABASE_URL.label() + " " + e.getMessage() + " (from "
                    + raw(Setting.DATABASE_URL).source() + ")", e);
        }
    }

    private Optional<Path> siteMigrations() {
        if (optionalText(Setting.SITE_MIGRATIONS).isEmpty()) {
            return Optional.empty();
        }
        Path dir = path(Setting.SITE_MIGRATIONS);
        if (!java.nio.file.Files.isDirectory(dir)) {
            throw invalid(Setting.SITE_MIGRATIONS, "is not a directory: " + dir);
        }
        return Optional.of(dir);
    }

    private Path path(Setting setting) {
        String value = raw(setting).value().trim();
        if (value.isEmpty()) {
            throw invalid(setting, "must not be empty");
        }
        try {
            return Path.of(value).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw invalid(setting, "is not a valid path (" + e.getReason() + ")");
        }
    }

    private List<Integer> portList(Setting setting) {
        String value = raw(setting).value().trim();
        List<Integer> ports = new ArrayList<>();
        if (value.isEmpty()) {
            return ports;
        }
        for (String part : value.split(",")) {
            String p = part.trim();
            try {
                int port = Integer.parseInt(p);
                if (port < 1 || port > 65_535) {
                    throw invalid(setting, "must list ports in 1..65535 separated by commas; " + port + " is outside");
                }
                if (!ports.contains(port)) {
                    ports.add(port);
                }
            } catch (NumberFormatException e) {
                throw invalid(setting, "must list ports separated by commas; '" + p + "' is not a number");
            }
        }
        return ports;
    }

    private static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
