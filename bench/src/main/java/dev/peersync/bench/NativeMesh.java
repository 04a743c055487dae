package dev.peersync.bench;

import java.sql.SQLException;

/**
 * The native baseline of the mesh figure: A's table published, B and C each subscribed to it (no initial copy),
 * so A's walsenders stream every transaction to both.
 */
final class NativeMesh implements ReplicaMesh {
    private final MeshDatabases dbs;
    private final NativeSubscription toB;
    private final NativeSubscription toC;

    private NativeMesh(MeshDatabases dbs, NativeSubscription toB, NativeSubscription toC) {
        this.dbs = dbs;
        this.toB = toB;
        this.toC = toC;
    }

    /** Fresh databases on A, B and C with the table, A published, B and C subscribed and streaming. */
    static NativeMesh create(PgServer a, PgServer b, PgServer c) throws SQLException {
        MeshDatabases dbs = MeshDatabases.create(a, b, c, "native_mesh");
        a.execute(dbs.dbA(), "CREATE PUBLICATION " + NativePair.PUBLICATION + " FOR TABLE " + ReviewRows.TABLE);
        NativeSubscription toB = NativeSubscription.create(a, dbs.dbA(), b, dbs.dbB(), NativePair.PUBLICATION);
        try {
            return new NativeMesh(dbs, toB, NativeSubscription.create(a, dbs.dbA(), c, dbs.dbC(), NativePair.PUBLICATION));
        } catch (SQLException | RuntimeException e) {
            toB.close();
            throw e;
        }
    }

    @Override
    public String system() {
        return "native";
    }

    @Override
    public MeshDatabases databases() {
        return dbs;
    }

    /** Drops both subscriptions (and with them A's slots), then the databases. */
    @Override
    public void close() {
        toC.close();
        toB.close();
        dbs.drop();
    }
}
