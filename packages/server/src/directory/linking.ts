/**
 * Linking a new device to an account (requests.proto explains the exchange;
 * SPEC DIR5, DIR6). The hub keeps the pending link under a code derived from
 * the new device's keys and relays the approving device's sealed envelope. It
 * cannot approve by itself: the approval is the approving device's signature,
 * which the hub checks here and every client checks again.
 */
import { createHash } from "node:crypto";
import {
  LIMITS,
  LINK_LIFETIME_MS,
  ProtocolError,
  normaliseDeviceName,
  authChallengeMessage,
  deviceApprovalMessage,
  linkCodeFromDigest,
  linkCodeInput,
  normalizeLinkCode,
} from "@switchboard/protocol";
import type { Caller, Clock } from "../caller.js";
import type { Announcer } from "../delivery/announcer.js";
import type { DeviceRecord, PendingLinkRecord, Store } from "../store/port.js";
import type { AppRegistry } from "./apps.js";
import { deviceIdOf, isEd25519PublicKey, verifyEd25519 } from "./signatures.js";
import { equalBytes } from "@switchboard/protocol";

export interface BeginLinkInput {
  signatureKey: Uint8Array;
  hpkePublicKey: Uint8Array;
  deviceName: string;
  signature: Uint8Array;
}

export interface ApproveLinkInput {
  code: string;
  approval: Uint8Array;
  approvedAt: number;
  envelope: Uint8Array;
}

/** How far an approval's time may be from the hub's clock (approvals are signed just before they are sent). */
export const APPROVAL_CLOCK_SKEW_MS = 10 * 60 * 1000;

const X25519_KEY_BYTES = 32;

export class Linking {
  constructor(
    private readonly store: Store,
    private readonly apps: AppRegistry,
    private readonly clock: Clock,
    private readonly announcer: Pick<Announcer, "inbox">,
  ) {}

  /** A new device asks for a code; the signature over the challenge proves it holds its key. */
  async beginLink(challenge: Uint8Array, input: BeginLinkInput): Promise<PendingLinkRecord> {
    if (!isEd25519PublicKey(input.signatureKey))
      throw new ProtocolError("INVALID_ARGUMENT", "signature key must be a 32-byte Ed25519 key");
    if (input.hpkePublicKey.length !== X25519_KEY_BYTES)
      throw new ProtocolError("INVALID_ARGUMENT", "HPKE key must be a 32-byte X25519 key");
    const name = normaliseDeviceName(input.deviceName);
    if (!name.ok) throw new ProtocolError("INVALID_ARGUMENT", `device name: ${name.reason}`);
    if (!verifyEd25519(input.signatureKey, authChallengeMessage(challenge), input.signature))
      throw new ProtocolError("BAD_SIGNATURE", "the challenge signature does not verify");
    const deviceId = deviceIdOf(input.signatureKey);
    if (await this.store.getDevice(deviceId))
      throw new ProtocolError("ALREADY_EXISTS", "this device key is already registered");
    const now = this.clock();
    // Housekeeping, not worth failing a link over. An expired code answers
    // LINK_EXPIRED for one more lifetime, then NOT_FOUND.
    this.store.deleteExpiredLinks(now - LINK_LIFETIME_MS).catch(() => {});
    const link: PendingLinkRecord = {
      code: linkCodeFromDigest(sha256(linkCodeInput(input.signatureKey, input.hpkePublicKey))),
      deviceId,
      signatureKey: input.signatureKey,
      hpkePublicKey: input.hpkePublicKey,
      deviceName: name.name,
      createdAt: now,
      expiresAt: now + LINK_LIFETIME_MS,
    };
    if ((await this.store.createLink(link)) === "created") return link;
    // The code is a hash of the keys: the same device asking again (it
    // reconnected) gets its live link back, on this connection too.
    const live = await this.store.getLink(link.code);
    if (
      live &&
      live.expiresAt > now &&
      equalBytes(live.signatureKey, link.signatureKey) &&
      equalBytes(live.hpkePublicKey, link.hpkePublicKey)
    )
      return live;
    throw new ProtocolError("ALREADY_EXISTS", "another device holds this link code; make new keys and retry");
  }

  /** The pending link behind a code, for the approving device to check against the code. */
  async getLink(code: string): Promise<PendingLinkRecord> {
    return this.liveLink(code);
  }

  /** An existing device approves the link: the new device joins the caller's account. */
  async approveLink(caller: Caller, input: ApproveLinkInput): Promise<DeviceRecord> {
    if (input.envelope.length === 0)
      throw new ProtocolError("INVALID_ARGUMENT", "the link envelope is empty");
    if (input.envelope.length > LIMITS.maxMessageBytes)
      throw new ProtocolError("TOO_LARGE", `the link envelope is over ${LIMITS.maxMessageBytes} bytes`);
    const now = this.clock();
    if (Math.abs(input.approvedAt - now) > APPROVAL_CLOCK_SKEW_MS)
      throw new ProtocolError(
        "INVALID_ARGUMENT",
        "the approval's time is more than 10 minutes from the hub's clock",
      );
    const link = await this.liveLink(input.code);
    const approver = await this.store.getDevice(caller.deviceId);
    if (!approver) throw new ProtocolError("UNAUTHENTICATED", "unknown device");
    const signed = deviceApprovalMessage({
      address: caller.address,
      deviceId: link.deviceId,
      signatureKey: link.signatureKey,
      approverDeviceId: caller.deviceId,
      approvedAt: input.approvedAt,
    });
    if (!verifyEd25519(approver.signatureKey, signed, input.approval))
      throw new ProtocolError("BAD_SIGNATURE", "the approval is not this device's signature over the link");
    const app = this.apps.get(caller.app);
    if (!app) throw new ProtocolError("UNKNOWN_APP", `no app "${caller.app}" on this hub`);
    const result = await this.store.approveLink({
      code: link.code,
      address: caller.address,
      device: {
        id: link.deviceId,
        signatureKey: link.signatureKey,
        createdAt: now,
        name: link.deviceName,
        approvedBy: caller.deviceId,
        approval: input.approval,
        approvedAt: input.approvedAt,
      },
      maxDevices: app.maxDevices,
      envelope: input.envelope,
      senderDeviceId: caller.deviceId,
      serverTime: now,
    });
    switch (result.kind) {
      case "not_found":
        // Approved (or expired and replaced) by someone else in the meantime.
        throw new ProtocolError("NOT_FOUND", "no such link code");
      case "device_limit":
        throw new ProtocolError(
          "DEVICE_LIMIT",
          `${caller.address} has ${app.maxDevices} devices, the most ${app.displayName} allows; revoke one first`,
        );
      case "device_taken":
        throw new ProtocolError("ALREADY_EXISTS", "this device is already registered");
      case "approved":
        this.announcer.inbox(result.inbox);
        return {
          id: link.deviceId,
          address: caller.address,
          signatureKey: link.signatureKey,
          createdAt: now,
          lastSeenAt: now,
          revokedAt: null,
          name: link.deviceName,
          approvedBy: caller.deviceId,
          approval: input.approval,
          approvedAt: input.approvedAt,
        };
    }
  }

  /** Wrong or malformed code: NOT_FOUND (no hint which); expired: LINK_EXPIRED. */
  private async liveLink(typed: string): Promise<PendingLinkRecord> {
    const code = normalizeLinkCode(typed);
    const link = code === undefined ? undefined : await this.store.getLink(code);
    if (!link) throw new ProtocolError("NOT_FOUND", "no such link code");
    if (link.expiresAt <= this.clock())
      throw new ProtocolError(
        "LINK_EXPIRED",
        "this link code has expired; start linking again on the new device",
      );
    return link;
  }
}

function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash("sha256").update(bytes).digest());
}
