/**
 * The hub as every group's MLS external sender (RFC 9420 §12.1.8.1). It is
 * the one MLS act the hub performs: when a device is revoked, it proposes the
 * device's Remove, signed with its own Ed25519 key, which every group names in
 * its GroupContext. It can propose nothing a member would not see: a member
 * commits the proposal (by reference) or the group stays closed (SPEC DS9).
 */
import { generateKeyPairSync } from "node:crypto";
import {
  defaultCryptoProvider,
  encodeMlsMessage,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  proposeExternal,
  type CiphersuiteImpl,
  type ExternalSender,
  type GroupInfo,
} from "ts-mls";
import { makeProposalRef } from "ts-mls/authenticatedContent.js";
import { HUB_CREDENTIAL_IDENTITY } from "@switchboard/protocol";
import type { HubSigningKey } from "../store/port.js";
import { equalBytes } from "@switchboard/protocol";

/** The one ciphersuite Switchboard groups use (the SDK's CIPHERSUITE). */
const CIPHERSUITE = "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519";

/** The suite, made once (also for the refs of members' leave proposals, memberProposal.ts). */
let suite: Promise<CiphersuiteImpl> | undefined;
export function ciphersuite(): Promise<CiphersuiteImpl> {
  suite ??= getCiphersuiteImpl(getCiphersuiteFromName(CIPHERSUITE), defaultCryptoProvider);
  return suite;
}

const HUB_IDENTITY = new TextEncoder().encode(HUB_CREDENTIAL_IDENTITY);

/** A fresh Ed25519 key pair as raw 32-byte keys (the private key is the seed), as MLS uses them. */
export function generateHubSigningKey(): HubSigningKey {
  const { privateKey } = generateKeyPairSync("ed25519");
  // The private key's JWK carries both halves: x (public) and d (the seed).
  const jwk = privateKey.export({ format: "jwk" });
  const raw = (b64url: string | undefined) => new Uint8Array(Buffer.from(b64url ?? "", "base64url"));
  return { publicKey: raw(jwk.x), privateKey: raw(jwk.d) };
}

/** True when one of the group's external senders is the hub: its key and its basic credential. */
export function namesHub(senders: readonly ExternalSender[], hubPublicKey: Uint8Array): boolean {
  return senders.some(
    (s) =>
      equalBytes(s.signaturePublicKey, hubPublicKey) &&
      s.credential.credentialType === "basic" &&
      equalBytes(s.credential.identity, HUB_IDENTITY),
  );
}

export interface RemovalProposal {
  /** TLS-encoded MLSMessage(PublicMessage(Proposal(Remove))), sender "external". */
  payload: Uint8Array;
  /** Its ProposalRef (RFC 9420 §5.2): how a commit includes it by reference. */
  ref: Uint8Array;
}

/**
 * The hub's proposal to remove the member at `leafIndex`, for the epoch of
 * `groupInfo` (the conversation's current GroupInfo). Throws when the group
 * does not name the hub's key as an external sender.
 *
 * [DIR14] `revocation` (an encoded SignedRevocation) goes in the
 * PublicMessage's authenticated_data (RFC 9420 §6): covered by the hub's
 * signature and readable by every member, who keep the proposal only when the
 * device's own account signed its revocation.
 */
export async function proposeRemoval(
  groupInfo: GroupInfo,
  leafIndex: number,
  key: HubSigningKey,
  revocation: Uint8Array = new Uint8Array(),
): Promise<RemovalProposal> {
  const cs = await ciphersuite();
  const message = await proposeExternal(
    groupInfo,
    { proposalType: "remove", remove: { removed: leafIndex } },
    key.publicKey,
    key.privateKey,
    cs,
    revocation,
  );
  if (message.wireformat !== "mls_public_message") throw new Error("expected a PublicMessage");
  const { content, auth } = message.publicMessage;
  // What members hash when they receive it (ts-mls processProposal), so the refs agree.
  const ref = await makeProposalRef({ wireformat: "mls_public_message", content, auth }, cs.hash);
  return { payload: encodeMlsMessage(message), ref };
}
