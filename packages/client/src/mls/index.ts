export type {
  DeviceIdentity,
  GeneratedKeyPackage,
  GroupEngine,
  GroupMember,
  GroupState,
  PendingCommit,
  Processed,
} from "./engine.js";
export { createTsMlsEngineOn, CIPHERSUITE } from "./tsMlsEngine.js";
export type { TsMlsEngineOptions } from "./tsMlsEngine.js";
// Node-only (node:crypto): the browser entry imports tsMlsEngine.js directly.
export { createTsMlsEngine } from "./nodeEngine.js";
export type { NodeMlsEngineOptions } from "./nodeEngine.js";
export { MlsEngineError, MLS_ERROR_CODES } from "./errors.js";
export type { MlsErrorCode } from "./errors.js";
export { encodeIdentity, parseIdentity, deviceRefProblem } from "./credential.js";
export type { DeviceRef, MemberVerifier, RemovalVerifier } from "./credential.js";
