package dev.peersync.node.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/** Small key/value settings of this node kept in its database (table {@code node_app.node_settings}). */
public final class NodeSettings {
    public static final String NODE_NAME = "node_name";

    private final DataSource dataSource;

    public NodeSettings(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    public Optional<String> get(String key) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT value FROM node_app.node_settings WHERE key = ?")) {
            s.setString(1, key);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read node setting " + key + ": " + e.getMessage(), e);
        }
    }

    public void put(String key, String value) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("INSERT INTO node_app.node_settings (key, value) VALUES (?, ?) "
                     + "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()")) {
            s.setString(1, key);
            s.setString(2, value);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not store node setting " + key + ": " + e.getMessage(), e);
        }
    }
}
