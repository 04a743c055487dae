package dev.peersync.node.p2p;

import dev.peersync.core.NodeId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;

/** Manual peers in the node's own table {@code node_app.manual_peers}. */
public final class ManualPeerStore {
    private final DataSource dataSource;

    public ManualPeerStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** Adds or updates a peer; an older entry at the same host and P2P port (a reinstalled node) is replaced. */
    public void save(ManualPeer peer) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement delete = c.prepareStatement(
                    "DELETE FROM node_app.manual_peers WHERE host = ? AND p2p_port = ? AND node_id <> ?");
                 PreparedStatement upsert = c.prepareStatement(
                         "INSERT INTO node_app.manual_peers (node_id, name, host, api_port, p2p_port) "
                                 + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (node_id) DO UPDATE SET name = excluded.name, "
                                 + "host = excluded.host, api_port = excluded.api_port, p2p_port = excluded.p2p_port")) {
                delete.setString(1, peer.host());
                delete.setInt(2, peer.p2pPort());
                delete.setObject(3, peer.nodeId().value());
                delete.executeUpdate();
                upsert.setObject(1, peer.nodeId().value());
                upsert.setString(2, peer.name());
                upsert.setString(3, peer.host());
                upsert.setInt(4, peer.apiPort());
                upsert.setInt(5, peer.p2pPort());
                upsert.executeUpdate();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not store manual peer " + peer + ": " + e.getMessage(), e);
        }
    }

    /** Removes a peer; false when it was not stored. */
    public boolean delete(NodeId nodeId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("DELETE FROM node_app.manual_peers WHERE node_id = ?")) {
            s.setObject(1, nodeId.value());
            return s.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not delete manual peer " + nodeId + ": " + e.getMessage(), e);
        }
    }

    public List<ManualPeer> all() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement(
                     "SELECT node_id, name, host, api_port, p2p_port FROM node_app.manual_peers ORDER BY added_at");
             ResultSet rs = s.executeQuery()) {
            List<ManualPeer> peers = new ArrayList<>();
            while (rs.next()) {
                peers.add(new ManualPeer(new NodeId(rs.getObject(1, UUID.class)), rs.getString(2), rs.getString(3),
                        rs.getInt(4), rs.getInt(5)));
            }
            return peers;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read manual peers: " + e.getMessage(), e);
        }
    }
}
