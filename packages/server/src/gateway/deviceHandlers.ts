/**
 * Handlers for the device operations of an authenticated connection:
 * linking (the approving side), listing, revocation and messages between an
 * account's devices. BeginLink, on an unauthenticated connection, is in
 * loginHandlers.ts with the other login-time operations.
 */
import {
  ApproveLinkResponseSchema,
  GetLinkResponseSchema,
  ListDevicesResponseSchema,
  RevokeDeviceResponseSchema,
  SendToDeviceResponseSchema,
  create,
} from "@switchboard/protocol";
import { clampLimit } from "../delivery/validate.js";
import type { HandlerTable } from "./handlerTypes.js";
import { toSafeNumber, toWireDevice, toWirePendingLink } from "./wireMapping.js";

export const DEVICE_HANDLERS: HandlerTable<
  "getLink" | "approveLink" | "listDevices" | "revokeDevice" | "sendToDevice"
> = {
  getLink: {
    login: "required",
    async handle(r, { services }) {
      const link = await services.linking.getLink(r.code);
      return create(GetLinkResponseSchema, { link: toWirePendingLink(link) });
    },
  },
  approveLink: {
    login: "required",
    async handle(r, { services, caller }) {
      const device = await services.linking.approveLink(caller, {
        code: r.code,
        approval: r.approval,
        approvedAt: toSafeNumber(r.approvedAt),
        envelope: r.envelope,
      });
      return create(ApproveLinkResponseSchema, { device: toWireDevice(device, true) });
    },
  },
  listDevices: {
    login: "required",
    async handle(r, { services, caller }) {
      // [DS15] paged, so the listing fits a frame however many devices were revoked.
      const limit = clampLimit(r.limit, services.membership.devicesPerPage);
      const listed = await services.directory.listDevices(caller, r.address, {
        afterId: r.afterId,
        limit: limit + 1,
      });
      const devices = listed.devices.slice(0, limit);
      // Names and last-seen times are the account's own business.
      const own = listed.address === caller.address;
      return create(ListDevicesResponseSchema, {
        address: listed.address,
        devices: devices.map((d) => toWireDevice(d, own)),
        hasMore: listed.devices.length > devices.length,
      });
    },
  },
  revokeDevice: {
    login: "required",
    async handle(r, { services, caller }) {
      const conversationIds = await services.revocation.revoke(caller, r.deviceId, {
        revokedAt: toSafeNumber(r.revokedAt),
        signature: r.signature,
      });
      return create(RevokeDeviceResponseSchema, { conversationIds });
    },
  },
  sendToDevice: {
    login: "required",
    async handle(r, { services, caller }) {
      await services.deviceMessages.send(caller, r.deviceId, r.payload);
      return create(SendToDeviceResponseSchema);
    },
  },
};
