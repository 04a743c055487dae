package dev.peersync.node.p2p;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** Manual peers not reached yet, in {@code node_app.pending_peers}: what was asked, under the id it is listed by. */
public final class PendingPeerStore {
    private final DataSource dataSource;

    public PendingPeerStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** Stores a request; one for the same host and API port replaces it (and keeps its id). Returns the id. */
    public UUID save(PeerRequest request) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("INSERT INTO node_app.pending_peers (id, host, api_port,"
                     + " p2p_port, peer_id_hint) VALUES (?, ?, ?, ?, ?) ON CONFLICT (host, api_port) DO UPDATE SET"
                     + " p2p_port = excluded.p2p_port, peer_id_hint = excluded.peer_id_hint RETURNING id")) {
            s.setObject(1, UUID.randomUUID());
            s.setString(2, request.host());
            s.setInt(3, request.apiPort());
            if (request.p2pPort().isPresent()) {
                s.setInt(4, request.p2pPort().get());
            } else {
                s.setNull(4, Types.INTEGER);
            }
            s.setString(5, request.peerId().orElse(null));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getObject(1, UUID.class);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not store pending peer " + request.host() + ":" + request.apiPort()
                    + ": " + e.getMessage(), e);
        }
    }

    /** Removes a pending peer; false when there was none with that id. */
    public boolean delete(UUID id) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("DELETE FROM node_app.pending_peers WHERE id = ?")) {
            s.setObject(1, id);
            return s.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not delete pending peer " + id + ": " + e.getMessage(), e);
        }
    }

    public List<Pending> all() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT id, host, api_port, p2p_port, peer_id_hint"
                     + " FROM node_app.pending_peers ORDER BY added_at");
             ResultSet rs = s.executeQuery()) {
            List<Pending> pending = new ArrayList<>();
            while (rs.next()) {
                int p2p = rs.getInt(4);
                Optional<Integer> p2pPort = rs.wasNull() ? Optional.empty() : Optional.of(p2p);
                pending.add(new Pending(rs.getObject(1, UUID.class), new PeerRequest(rs.getString(2), rs.getInt(3),
                        p2pPort, Optional.ofNullable(rs.getString(5)))));
            }
            return pending;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read pending peers: " + e.getMessage(), e);
        }
    }

    /** A stored request and its id. */
    public record Pending(UUID id, PeerRequest request) {
    }
}
