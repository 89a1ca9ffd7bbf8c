export * from "./build.js";
export * from "./extensions.js";
export * from "./ids.js";
export * from "./interpret.js";
export * from "./rules.js";
export * from "./filePart.js";
