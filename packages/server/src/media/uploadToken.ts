/**
 * Upload tokens (SPEC MD4): what a device gets over its authenticated
 * WebSocket to upload over plain HTTP. An HMAC-SHA-256 over the claims, so
 * any node checks one without a lookup; the key is derived from the hub's
 * signing key, which every node of a cluster already shares through the Store.
 *
 *   token = base64url(JSON claims) "." base64url(HMAC(key, that first part))
 */
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";

export interface UploadClaims {
  /** The owner account's address. */
  account: string;
  deviceId: string;
  /** Largest upload the token allows (the app's per-file limit). */
  maxBytes: number;
  /** Blobs uploaded with it expire this long after creation. */
  lifetimeMs: number;
  /** ms since the epoch; refused from then on. */
  expiresAt: number;
}

export interface UploadTokens {
  issue(claims: UploadClaims): string;
  /** The claims of a genuine, unexpired token; undefined for anything else. */
  verify(token: string, now: number): UploadClaims | undefined;
}

export function uploadTokenKey(hubPrivateKey: Uint8Array): Uint8Array {
  return new Uint8Array(
    hkdfSync("sha256", hubPrivateKey, new Uint8Array(0), "switchboard upload token v1", 32),
  );
}

export function createUploadTokens(key: Uint8Array): UploadTokens {
  const mac = (body: string) => createHmac("sha256", key).update(body).digest();
  return {
    issue(claims) {
      const body = Buffer.from(
        JSON.stringify([
          claims.account,
          claims.deviceId,
          claims.maxBytes,
          claims.lifetimeMs,
          claims.expiresAt,
        ]),
      ).toString("base64url");
      return `${body}.${mac(body).toString("base64url")}`;
    },
    verify(token, now) {
      const [body, tag, extra] = token.split(".");
      if (body === undefined || tag === undefined || extra !== undefined) return undefined;
      const given = Buffer.from(tag, "base64url");
      const expected = mac(body);
      if (given.byteLength !== expected.byteLength || !timingSafeEqual(given, expected)) return undefined;
      const [account, deviceId, maxBytes, lifetimeMs, expiresAt] = JSON.parse(
        Buffer.from(body, "base64url").toString(),
      ) as [string, string, number, number, number];
      if (now >= expiresAt) return undefined;
      return { account, deviceId, maxBytes, lifetimeMs, expiresAt };
    },
  };
}
