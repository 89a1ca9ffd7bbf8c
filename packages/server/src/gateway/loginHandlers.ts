/** The ops an unauthenticated connection may send: logging in (register, authenticate, link) and ping. */
import {
  AuthenticateResponseSchema,
  BeginLinkResponseSchema,
  PingResponseSchema,
  ProtocolError,
  RegisterResponseSchema,
  create,
} from "@switchboard/protocol";
import type { HandlerTable, Session } from "./handlerTypes.js";

function requireLoggedOut(session: Session): void {
  if (session.caller) throw new ProtocolError("BAD_FRAME", "already authenticated");
}

export const LOGIN_HANDLERS: HandlerTable<"register" | "authenticate" | "beginLink" | "ping"> = {
  register: {
    login: "none",
    async handle(r, { services, session }) {
      requireLoggedOut(session);
      const caller = await services.directory.register(session.challenge, {
        address: r.address,
        displayName: r.displayName,
        signatureKey: r.signatureKey,
        signature: r.signature,
        verificationCode: r.verificationCode,
      });
      await session.onAuthenticated(caller);
      return create(RegisterResponseSchema, { address: caller.address, deviceId: caller.deviceId });
    },
  },
  authenticate: {
    login: "none",
    async handle(r, { services, session }) {
      requireLoggedOut(session);
      const { directory } = services;
      const caller = await directory.authenticate(session.challenge, r.deviceId, r.signature);
      await session.onAuthenticated(caller);
      const remaining = await directory.keyPackagesRemaining(caller);
      return create(AuthenticateResponseSchema, {
        address: caller.address,
        deviceId: caller.deviceId,
        keyPackagesRemaining: remaining,
      });
    },
  },
  beginLink: {
    login: "none",
    async handle(r, { services, session }) {
      requireLoggedOut(session);
      if (session.linkingDeviceId !== null)
        throw new ProtocolError("BAD_FRAME", "this connection already has a pending link");
      const link = await services.linking.beginLink(session.challenge, {
        signatureKey: r.signatureKey,
        hpkePublicKey: r.hpkePublicKey,
        deviceName: r.deviceName,
        signature: r.signature,
      });
      session.onLinkBegun(link.deviceId);
      return create(BeginLinkResponseSchema, {
        code: link.code,
        deviceId: link.deviceId,
        expiresAt: BigInt(link.expiresAt),
      });
    },
  },
  ping: {
    login: "none",
    async handle(_r, { services }) {
      return create(PingResponseSchema, { serverTime: BigInt(services.clock()) });
    },
  },
};
