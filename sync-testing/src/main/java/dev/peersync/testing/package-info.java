/** Test support: a real PostgreSQL for every test (external, Testcontainers or embedded), free ports, waiting with a deadline, resources undone after each test. */
package dev.peersync.testing;
