/**
 * One handler per request op: decode the typed wire request into a domain
 * call, and the domain result into the wire response. Authorization lives in
 * the domain services; here we only check that the connection is logged in.
 */
import { ProtocolError, type Request, type Response } from "@switchboard/protocol";
import type { Caller } from "../caller.js";
import type { DeliveryService } from "../delivery/deliveryService.js";
import type { DeviceMessages } from "../delivery/deviceMessages.js";
import type { Revocation } from "../delivery/revocation.js";
import type { Directory } from "../directory/directory.js";
import type { Linking } from "../directory/linking.js";
import type { MediaService } from "../media/mediaService.js";
import { handleMediaOp } from "../media/mediaHandlers.js";
import { handleDeviceOp } from "./deviceHandlers.js";
import { handleRequestVerificationCode } from "./verificationHandlers.js";
import { handleListKeyPackages } from "./keyPackageHandlers.js";
import {
  fromWireConversationKind,
  toSafeNumber,
  toWireConversation,
  toWireEntry,
  toWireInboxItem,
} from "./wireMapping.js";

export interface Services {
  directory: Directory;
  delivery: DeliveryService;
  linking: Linking;
  revocation: Revocation;
  deviceMessages: DeviceMessages;
  /** Attachments (SPEC MD); absent when the hub runs without a BlobStore. */
  media?: MediaService | undefined;
  /** The hub's Ed25519 key as the groups' MLS external sender (ServerHello). */
  hubSignatureKey: Uint8Array;
  clock: () => number;
}

export interface Session {
  challenge: Uint8Array;
  caller: Caller | null;
  /** The new device this connection began linking (BeginLink), if any. */
  linkingDeviceId: string | null;
  /** Called once the connection has logged in (register or authenticate). */
  onAuthenticated(caller: Caller): Promise<void>;
  /** Called when BeginLink succeeded: route the new device's pushes here until it logs in. */
  onLinkBegun(deviceId: string): void;
  /** Called when the device became a member without a Welcome (it created the conversation, or joined it externally). */
  onJoined(conversationId: string): void;
}

type Op = NonNullable<Request["op"]["case"]>;
type Result = Response["result"];

function requireCaller(session: Session): Caller {
  if (!session.caller) throw new ProtocolError("UNAUTHENTICATED", "authenticate first");
  return session.caller;
}

export async function handleRequest(services: Services, session: Session, request: Request): Promise<Result> {
  const { directory } = services;
  const op = request.op;
  switch (op.case) {
    case "register": {
      if (session.caller) throw new ProtocolError("BAD_FRAME", "already authenticated");
      const r = op.value;
      const caller = await directory.register(session.challenge, {
        address: r.address,
        displayName: r.displayName,
        signatureKey: r.signatureKey,
        signature: r.signature,
        verificationCode: r.verificationCode,
      });
      await session.onAuthenticated(caller);
      return {
        case: "register",
        value: {
          $typeName: "switchboard.v1.RegisterResponse",
          address: caller.address,
          deviceId: caller.deviceId,
        },
      };
    }
    case "authenticate": {
      if (session.caller) throw new ProtocolError("BAD_FRAME", "already authenticated");
      const caller = await directory.authenticate(session.challenge, op.value.deviceId, op.value.signature);
      await session.onAuthenticated(caller);
      const remaining = await directory.keyPackagesRemaining(caller);
      return {
        case: "authenticate",
        value: {
          $typeName: "switchboard.v1.AuthenticateResponse",
          address: caller.address,
          deviceId: caller.deviceId,
          keyPackagesRemaining: remaining,
        },
      };
    }
    case "beginLink": {
      if (session.caller) throw new ProtocolError("BAD_FRAME", "already authenticated");
      if (session.linkingDeviceId !== null)
        throw new ProtocolError("BAD_FRAME", "this connection already has a pending link");
      const r = op.value;
      const link = await services.linking.beginLink(session.challenge, {
        signatureKey: r.signatureKey,
        hpkePublicKey: r.hpkePublicKey,
        deviceName: r.deviceName,
        signature: r.signature,
      });
      session.onLinkBegun(link.deviceId);
      return {
        case: "beginLink",
        value: {
          $typeName: "switchboard.v1.BeginLinkResponse",
          code: link.code,
          deviceId: link.deviceId,
          expiresAt: BigInt(link.expiresAt),
        },
      };
    }
    case "requestVerificationCode":
      return handleRequestVerificationCode(directory, op.value);
    case "ping":
      return {
        case: "ping",
        value: { $typeName: "switchboard.v1.PingResponse", serverTime: BigInt(services.clock()) },
      };
    case undefined:
      throw new ProtocolError("BAD_FRAME", "request without an operation");
    default:
      return handleAuthenticated(services, requireCaller(session), session, op);
  }
}

async function handleAuthenticated(
  services: Services,
  caller: Caller,
  session: Session,
  op: Request["op"] & { case: Op },
): Promise<Result> {
  const { directory, delivery } = services;
  switch (op.case) {
    case "uploadKeyPackages": {
      const lastResort = op.value.lastResort.length > 0 ? op.value.lastResort : null;
      const remaining = await directory.uploadKeyPackages(caller, op.value.keyPackages, lastResort);
      return {
        case: "uploadKeyPackages",
        value: { $typeName: "switchboard.v1.UploadKeyPackagesResponse", remaining },
      };
    }
    case "claimKeyPackages": {
      const { address, claimed } = await directory.claimKeyPackages(
        caller,
        op.value.address,
        op.value.deviceIds,
      );
      return {
        case: "claimKeyPackages",
        value: {
          $typeName: "switchboard.v1.ClaimKeyPackagesResponse",
          address,
          keyPackages: claimed.map((c) => ({
            $typeName: "switchboard.v1.ClaimedKeyPackage",
            deviceId: c.deviceId,
            keyPackage: c.keyPackage,
          })),
        },
      };
    }
    case "lookupAccount": {
      const account = await directory.lookupAccount(caller, op.value.address);
      return {
        case: "lookupAccount",
        value: {
          $typeName: "switchboard.v1.LookupAccountResponse",
          // Only the address (SPEC DIR12): the other Account fields stay empty.
          account: {
            $typeName: "switchboard.v1.Account",
            address: account.address,
            displayName: "",
            devices: [],
          },
        },
      };
    }
    case "createConversation": {
      const kind = fromWireConversationKind(op.value.kind);
      if (!kind) throw new ProtocolError("INVALID_ARGUMENT", "conversation kind must be DIRECT or GROUP");
      const conversation = await delivery.createConversation(caller, {
        conversationId: op.value.conversationId,
        kind,
        peer: op.value.peer,
        groupInfo: op.value.groupInfo,
      });
      session.onJoined(conversation.id);
      return {
        case: "createConversation",
        value: {
          $typeName: "switchboard.v1.CreateConversationResponse",
          conversation: toWireConversation({ ...conversation, cursor: 0 }),
        },
      };
    }
    case "sendMessage": {
      const entry = await delivery.sendMessage(caller, {
        conversationId: op.value.conversationId,
        clientMessageId: op.value.clientMessageId,
        payload: op.value.payload,
        epoch: toSafeNumber(op.value.epoch),
      });
      return {
        case: "sendMessage",
        value: {
          $typeName: "switchboard.v1.SendMessageResponse",
          seq: BigInt(entry.seq),
          serverTime: BigInt(entry.serverTime),
        },
      };
    }
    case "commit": {
      const entry = await delivery.commit(caller, {
        conversationId: op.value.conversationId,
        clientMessageId: op.value.clientMessageId,
        epoch: toSafeNumber(op.value.epoch),
        commit: op.value.commit,
        welcome: op.value.welcome.length > 0 ? op.value.welcome : null,
        groupInfo: op.value.groupInfo,
      });
      if (entry.membership?.addedDevices.includes(caller.deviceId)) session.onJoined(entry.conversationId);
      return {
        case: "commit",
        value: {
          $typeName: "switchboard.v1.CommitResponse",
          seq: BigInt(entry.seq),
          epoch: BigInt(entry.epoch + 1),
          serverTime: BigInt(entry.serverTime),
        },
      };
    }
    case "fetch": {
      const { entries, hasMore } = await delivery.fetch(
        caller,
        op.value.conversationId,
        toSafeNumber(op.value.afterSeq),
        op.value.limit,
      );
      return {
        case: "fetch",
        value: { $typeName: "switchboard.v1.FetchResponse", entries: entries.map(toWireEntry), hasMore },
      };
    }
    case "ack": {
      await delivery.ack(
        caller,
        op.value.cursors.map((c) => ({ conversationId: c.conversationId, seq: toSafeNumber(c.seq) })),
      );
      return { case: "ack", value: { $typeName: "switchboard.v1.AckResponse" } };
    }
    case "listConversations": {
      const conversations = await delivery.listConversations(caller);
      return {
        case: "listConversations",
        value: {
          $typeName: "switchboard.v1.ListConversationsResponse",
          conversations: conversations.map(toWireConversation),
        },
      };
    }
    case "getGroupInfo": {
      const { groupInfo, epoch } = await delivery.groupInfo(caller, op.value.conversationId);
      return {
        case: "getGroupInfo",
        value: { $typeName: "switchboard.v1.GetGroupInfoResponse", groupInfo, epoch: BigInt(epoch) },
      };
    }
    case "fetchInbox": {
      const { items, hasMore } = await delivery.fetchInbox(
        caller,
        toSafeNumber(op.value.afterId),
        op.value.limit,
      );
      return {
        case: "fetchInbox",
        value: { $typeName: "switchboard.v1.FetchInboxResponse", items: items.map(toWireInboxItem), hasMore },
      };
    }
    case "ackInbox": {
      await delivery.ackInbox(caller, toSafeNumber(op.value.upToId));
      return { case: "ackInbox", value: { $typeName: "switchboard.v1.AckInboxResponse" } };
    }
    case "listKeyPackages":
      return handleListKeyPackages(directory, caller);
    case "getLink":
    case "approveLink":
    case "listDevices":
    case "revokeDevice":
    case "sendToDevice":
      return handleDeviceOp(services, caller, op);
    case "createUploadToken":
    case "completeBlob":
    case "deleteBlob":
      return handleMediaOp(services.media, caller, op);
    case "register":
    case "authenticate":
    case "beginLink":
    case "ping":
    case "requestVerificationCode":
      throw new ProtocolError("BAD_FRAME", "unexpected operation");
  }
}
