/** The OpenAPI 3.1 document built from the API's operations and Java types. */
package dev.peersync.review.openapi;
