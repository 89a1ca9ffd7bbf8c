export type {
  DeviceIdentity,
  GeneratedKeyPackage,
  GroupEngine,
  GroupMember,
  GroupState,
  PendingCommit,
  Processed,
} from "./engine.js";
export { createTsMlsEngine, CIPHERSUITE } from "./tsMlsEngine.js";
export type { TsMlsEngineOptions } from "./tsMlsEngine.js";
export { MlsEngineError, MLS_ERROR_CODES } from "./errors.js";
export type { MlsErrorCode } from "./errors.js";
export { encodeIdentity, parseIdentity, deviceRefProblem } from "./credential.js";
export type { DeviceRef, MemberVerifier, RemovalVerifier } from "./credential.js";
