/**
 * A file's AES-128-GCM key and nonce sizes (SPEC MD): what a received file
 * part is checked against (content/filePart.ts) and what streamCipher.ts
 * makes. Apart from the cipher, so reading content does not bring the
 * streaming code into the page's first load (SPEC WB16).
 */
export const KEY_BYTES = 16;
export const NONCE_BYTES = 12;
