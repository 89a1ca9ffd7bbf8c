/**
 * Every ts-mls module the SDK uses from outside ts-mls's public index, in
 * one place (issue 18): the next ts-mls upgrade that moves or renames one of
 * them touches this file only. Keep it to re-exports; wrap behaviour in the
 * modules that use them.
 */
export { CodecError, CryptoError, CryptoVerificationError, ValidationError } from "ts-mls/mlsError.js";
export { unprotectPublicMessage } from "ts-mls/messageProtectionPublic.js";
export { decryptSenderData } from "ts-mls/privateMessage.js";
export { senderFromExtension } from "ts-mls/publicMessage.js";
export { makeKeyPackageRef } from "ts-mls/keyPackage.js";
export { ratchetTreeFromExtension } from "ts-mls/groupInfo.js";
export { extensionTypeToNumber } from "ts-mls/extension.js";
// One ratchet-tree node at a time, so a stored tree reuses the bytes of the nodes an epoch kept (stateParts.ts).
export { encodeNode as encodeRatchetNode, decodeNode as decodeRatchetNode } from "ts-mls/ratchetTree.js";
