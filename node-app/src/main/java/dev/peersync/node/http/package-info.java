/** The node's HTTP port: Javalin setup, who may call what ({@code NodeAccess}), the OpenAPI document and Swagger UI. */
package dev.peersync.node.http;
