/** One clear line for any error: its code when it has one, then its message. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === "string" && /^[A-Z_]+$/.test(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
