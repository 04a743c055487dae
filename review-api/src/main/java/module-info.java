/**
 * The Product Review REST API as a library ({@link dev.peersync.review.ReviewApi}); node-app mounts it on its port.
 * Its implementation lives in {@code internal} packages no other module can read.
 */
module dev.peersync.review {
    requires transitive io.javalin;
    requires transitive java.sql;
    requires transitive com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.annotation;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.datatype.jsr310;
    requires org.jdbi.v3.core;
    requires org.jdbi.v3.postgres;
    requires org.postgresql.jdbc;
    requires flyway.core;
    requires com.auth0.jwt;
    requires bcrypt;
    requires io.github.bucket4j.core;
    requires org.eclipse.jetty.http;
    requires org.eclipse.jetty.server;
    requires org.eclipse.jetty.util;
    requires org.slf4j;

    exports dev.peersync.review;
    exports dev.peersync.review.openapi;
    // Jdbi maps rows into, and Jackson writes, the internal records by reflection.
    opens dev.peersync.review.internal.activity to org.jdbi.v3.core, com.fasterxml.jackson.databind;
    opens dev.peersync.review.internal.auth to org.jdbi.v3.core, com.fasterxml.jackson.databind;
    opens dev.peersync.review.internal.catalog to org.jdbi.v3.core, com.fasterxml.jackson.databind;
    opens dev.peersync.review.internal.reviews to org.jdbi.v3.core, com.fasterxml.jackson.databind;
    opens dev.peersync.review.internal.users to org.jdbi.v3.core, com.fasterxml.jackson.databind;
    opens dev.peersync.review.internal.web to com.fasterxml.jackson.databind;
}
