export * from "./content.js";
export * from "./codec.js";
export * from "./messageId.js";
export * from "./uris.js";
export * from "./status.js";
