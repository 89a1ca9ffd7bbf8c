/**
 * Handlers for the device operations of an authenticated connection:
 * linking (the approving side), listing, revocation and messages between an
 * account's devices. BeginLink, on an unauthenticated connection, is in
 * handlers.ts with the other login-time operations.
 */
import type { Request, Response } from "@switchboard/protocol";
import type { Caller } from "../caller.js";
import { clampLimit } from "../delivery/validate.js";
import type { Services } from "./handlers.js";
import { toSafeNumber, toWireDevice, toWirePendingLink } from "./wireMapping.js";

export type DeviceOp = Extract<
  Request["op"],
  { case: "getLink" | "approveLink" | "listDevices" | "revokeDevice" | "sendToDevice" }
>;

export async function handleDeviceOp(
  services: Services,
  caller: Caller,
  op: DeviceOp,
): Promise<Response["result"]> {
  switch (op.case) {
    case "getLink": {
      const link = await services.linking.getLink(op.value.code);
      return {
        case: "getLink",
        value: { $typeName: "switchboard.v1.GetLinkResponse", link: toWirePendingLink(link) },
      };
    }
    case "approveLink": {
      const device = await services.linking.approveLink(caller, {
        code: op.value.code,
        approval: op.value.approval,
        approvedAt: toSafeNumber(op.value.approvedAt),
        envelope: op.value.envelope,
      });
      return {
        case: "approveLink",
        value: { $typeName: "switchboard.v1.ApproveLinkResponse", device: toWireDevice(device, true) },
      };
    }
    case "listDevices": {
      // [DS15] paged, so the listing fits a frame however many devices were revoked.
      const limit = clampLimit(op.value.limit, services.membership.devicesPerPage);
      const page = { afterId: op.value.afterId, limit: limit + 1 };
      const listed = await services.directory.listDevices(caller, op.value.address, page);
      const { address } = listed;
      const devices = listed.devices.slice(0, limit);
      // Names and last-seen times are the account's own business.
      const own = address === caller.address;
      return {
        case: "listDevices",
        value: {
          $typeName: "switchboard.v1.ListDevicesResponse",
          address,
          devices: devices.map((d) => toWireDevice(d, own)),
          hasMore: listed.devices.length > devices.length,
        },
      };
    }
    case "revokeDevice": {
      const conversationIds = await services.revocation.revoke(caller, op.value.deviceId, {
        revokedAt: toSafeNumber(op.value.revokedAt),
        signature: op.value.signature,
      });
      return {
        case: "revokeDevice",
        value: { $typeName: "switchboard.v1.RevokeDeviceResponse", conversationIds },
      };
    }
    case "sendToDevice": {
      await services.deviceMessages.send(caller, op.value.deviceId, op.value.payload);
      return { case: "sendToDevice", value: { $typeName: "switchboard.v1.SendToDeviceResponse" } };
    }
  }
}
