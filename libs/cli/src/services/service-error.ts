/** A service (Postgres, Redis, a Debian package) Epoch needs could not be had; the message says what to do. */
export class ServiceError extends Error {}
