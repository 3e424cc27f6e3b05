/**
 * Embedded PostgreSQL settings, applied with ALTER SYSTEM (effective from the next open).
 * 16 MB of shared buffers instead of 128 MB keeps the server ~110 MB smaller; our working set is small.
 */
export const PGLITE_SETTINGS = ["shared_buffers = '16MB'"];
