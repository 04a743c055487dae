/** The Product Review REST API as a library: {@link dev.peersync.review.ReviewApi} on Javalin, its migrations, settings and the port's one error mapping. */
package dev.peersync.review;
