/**
 * createTsMlsEngine for Node: the engine on the node:crypto provider by
 * default (8-14x faster than ts-mls's WebCrypto one in Node), or on any
 * other. Node-only (it imports node:crypto); the browser entry uses
 * createTsMlsEngineOn with the WebCrypto provider.
 */
import { defaultCryptoProvider } from "ts-mls";
import type { CryptoProvider } from "ts-mls";
import { nodeCryptoProvider } from "../crypto/nodeCryptoProvider.js";
import type { GroupEngine } from "./engine.js";
import { createTsMlsEngineOn, type TsMlsEngineOptions } from "./tsMlsEngine.js";

export interface NodeMlsEngineOptions extends TsMlsEngineOptions {
  /** "node" (the default): node:crypto; "default": ts-mls's own; or any CryptoProvider. */
  crypto?: "node" | "default" | CryptoProvider;
}

export function createTsMlsEngine(options: NodeMlsEngineOptions = {}): Promise<GroupEngine> {
  const { crypto = "node", ...rest } = options;
  const provider =
    crypto === "node" ? nodeCryptoProvider : crypto === "default" ? defaultCryptoProvider : crypto;
  return createTsMlsEngineOn(provider, rest);
}
