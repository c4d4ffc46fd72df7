const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checked before any query: PostgreSQL refuses a malformed uuid with an error, not an empty result. */
export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}
