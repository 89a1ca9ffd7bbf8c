export { startHub, type Hub, type HubOptions } from "./hub.js";
export { createMemoryBus } from "./bus/memoryBus.js";
export type { Bus } from "./bus/port.js";
export { openNatsBus, type NatsBus, type NatsBusOptions } from "./bus/natsBus.js";
export type { Store } from "./store/port.js";
export { openSqliteStore } from "./store/sqlite/index.js";
export { openPostgresStore, migratePostgres } from "./store/postgres/index.js";
export { DEMO_APPS, type AppConfig, type ReachPolicy } from "./config/apps.js";
export {
  CONFIG_ENV,
  DEFAULT_CONFIG,
  ConfigError,
  isPostgresUrl,
  loadConfigFile,
  parseConfig,
  resolveConfig,
  type ServerConfig,
} from "./config/serverConfig.js";
export type { Verifier, VerificationMessage } from "./directory/verifier.js";
export { VerificationDeliveryError, logVerifier, webhookVerifier } from "./directory/verifier.js";
export { DEFAULT_VERIFICATION_SETTINGS, type VerificationSettings } from "./directory/verificationCodes.js";
export {
  DEFAULT_STORAGE_SETTINGS,
  pruneCut,
  storageSettings,
  type StorageSettings,
} from "./delivery/retention.js";
export { Pruner, type PrunerTimers, type PruneRun } from "./delivery/pruner.js";
export {
  HUB_KEY_ENV,
  HubKeyError,
  defaultHubKeyFile,
  hubKeyFromSeed,
  loadHubKey,
  type HubKeySource,
} from "./secrets/hubKey.js";
export { InsecureFileError } from "./secrets/privateFiles.js";
export { openBackends, migrateDatabase, redact, type Backends } from "./backends.js";
export {
  DEFAULT_CONNECTION_SETTINGS,
  type ConnectionSettings,
  type Timers,
} from "./gateway/connectionSettings.js";
export {
  DEFAULT_RATE_LIMIT_SETTINGS,
  LIMIT_NAMES,
  type LimitName,
  type RateLimitSettings,
} from "./rateLimit/rateLimitSettings.js";
export type { BucketRate } from "./rateLimit/tokenBucket.js";
export type { BlobStore, BlobInfo, NewBlob } from "./media/blobStore.js";
export { openFsBlobStore } from "./media/fsBlobStore.js";
export { openPostgresBlobStore } from "./media/postgresBlobStore.js";
export { DEFAULT_MEDIA_SETTINGS, type MediaSettings } from "./media/settings.js";
