/**
 * Opaque messages between the devices of one account (SPEC DIR8): a history
 * bundle for a newly linked device, sealed to it and signed by the sender.
 * The hub only bounds them and keeps them in the recipient's inbox.
 */
import { LIMITS, ProtocolError, isDeviceId } from "@switchboard/protocol";
import type { Caller, Clock } from "../caller.js";
import type { Store } from "../store/port.js";
import type { Announcer } from "./announcer.js";
import { requireSize } from "./validate.js";

export class DeviceMessages {
  constructor(
    private readonly store: Store,
    private readonly announcer: Pick<Announcer, "inbox">,
    private readonly clock: Clock,
    /** [DS13] the bytes a device's inbox may hold; none when absent. */
    private readonly maxInboxBytes = Number.MAX_SAFE_INTEGER,
  ) {}

  /** Only to another active device of the caller's own account; anything else is NOT_FOUND. */
  async send(caller: Caller, deviceId: string, payload: Uint8Array): Promise<void> {
    requireSize(payload, LIMITS.maxMessageBytes, "device message");
    const target = isDeviceId(deviceId) ? await this.store.getDevice(deviceId) : undefined;
    if (
      !target ||
      target.address !== caller.address ||
      target.revokedAt !== null ||
      target.id === caller.deviceId
    )
      throw new ProtocolError("NOT_FOUND", `no other device ${deviceId} in ${caller.address}`);
    const item = await this.store.putInboxWithin(
      {
        deviceId,
        kind: "device_message",
        payload,
        senderAddress: caller.address,
        senderDeviceId: caller.deviceId,
        serverTime: this.clock(),
      },
      this.maxInboxBytes,
    );
    if (item === "quota_exceeded")
      throw new ProtocolError(
        "QUOTA_EXCEEDED",
        `the inbox of device ${deviceId} is full; retry once it has read it`,
      );
    // Revoked in the meantime.
    if (!item) throw new ProtocolError("NOT_FOUND", `no other device ${deviceId} in ${caller.address}`);
    this.announcer.inbox(item);
  }
}
