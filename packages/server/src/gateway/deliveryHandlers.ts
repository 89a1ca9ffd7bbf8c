/** The delivery ops of a logged-in connection: conversations, the log, cursors and the inbox. */
import {
  AckInboxResponseSchema,
  AckResponseSchema,
  CommitResponseSchema,
  CreateConversationResponseSchema,
  FetchInboxResponseSchema,
  FetchResponseSchema,
  GetGroupInfoResponseSchema,
  ListConversationsResponseSchema,
  ProtocolError,
  create,
} from "@switchboard/protocol";
import type { HandlerTable } from "./handlerTypes.js";
import {
  fromWireConversationKind,
  toSafeNumber,
  toWireConversation,
  toWireEntry,
  toWireInboxItem,
} from "./wireMapping.js";

type DeliveryOp =
  | "createConversation"
  | "sendMessage"
  | "commit"
  | "fetch"
  | "ack"
  | "listConversations"
  | "getGroupInfo"
  | "fetchInbox"
  | "ackInbox";

export const DELIVERY_HANDLERS: HandlerTable<DeliveryOp> = {
  createConversation: {
    login: "required",
    async handle(r, { services, session, caller }) {
      const kind = fromWireConversationKind(r.kind);
      if (!kind) throw new ProtocolError("INVALID_ARGUMENT", "conversation kind must be DIRECT or GROUP");
      const conversation = await services.delivery.createConversation(caller, {
        conversationId: r.conversationId,
        kind,
        peer: r.peer,
        groupInfo: r.groupInfo,
      });
      session.onJoined(conversation.id);
      return create(CreateConversationResponseSchema, {
        conversation: toWireConversation({ ...conversation, cursor: 0 }),
      });
    },
  },
  sendMessage: {
    login: "required",
    // Not async, and the answer a literal as create() would make it
    // (protobuf-es's create walks the schema): the hot path (issue 18).
    handle(r, { services, caller }) {
      return services.delivery
        .sendMessage(caller, {
          conversationId: r.conversationId,
          clientMessageId: r.clientMessageId,
          payload: r.payload,
          epoch: toSafeNumber(r.epoch),
          expiresAfterSeconds: r.expiresAfterSeconds,
        })
        .then((entry) => ({
          $typeName: "switchboard.v1.SendMessageResponse",
          seq: BigInt(entry.seq),
          serverTime: BigInt(entry.serverTime),
        }));
    },
  },
  commit: {
    login: "required",
    async handle(r, { services, session, caller }) {
      const entry = await services.delivery.commit(caller, {
        conversationId: r.conversationId,
        clientMessageId: r.clientMessageId,
        epoch: toSafeNumber(r.epoch),
        commit: r.commit,
        welcome: r.welcome.length > 0 ? r.welcome : null,
        groupInfo: r.groupInfo,
      });
      if (entry.membership?.addedDevices.includes(caller.deviceId)) session.onJoined(entry.conversationId);
      return create(CommitResponseSchema, {
        seq: BigInt(entry.seq),
        epoch: BigInt(entry.epoch + 1),
        serverTime: BigInt(entry.serverTime),
      });
    },
  },
  fetch: {
    login: "required",
    async handle(r, { services, caller }) {
      const { entries, hasMore } = await services.delivery.fetch(
        caller,
        r.conversationId,
        toSafeNumber(r.afterSeq),
        r.limit,
      );
      return create(FetchResponseSchema, { entries: entries.map(toWireEntry), hasMore });
    },
  },
  ack: {
    login: "required",
    async handle(r, { services, caller }) {
      await services.delivery.ack(
        caller,
        r.cursors.map((c) => ({ conversationId: c.conversationId, seq: toSafeNumber(c.seq) })),
      );
      return create(AckResponseSchema);
    },
  },
  listConversations: {
    login: "required",
    async handle(r, { services, caller }) {
      // [DS15] paged, and cut by size, so each page fits a frame.
      const { conversations, hasMore } = await services.delivery.listConversationsPage(
        caller,
        r.afterId,
        r.limit,
      );
      return create(ListConversationsResponseSchema, {
        conversations: conversations.map(toWireConversation),
        hasMore,
      });
    },
  },
  getGroupInfo: {
    login: "required",
    async handle(r, { services, caller }) {
      const { groupInfo, epoch } = await services.delivery.groupInfo(caller, r.conversationId);
      return create(GetGroupInfoResponseSchema, { groupInfo, epoch: BigInt(epoch) });
    },
  },
  fetchInbox: {
    login: "required",
    async handle(r, { services, caller }) {
      const { items, hasMore } = await services.delivery.fetchInbox(caller, toSafeNumber(r.afterId), r.limit);
      return create(FetchInboxResponseSchema, { items: items.map(toWireInboxItem), hasMore });
    },
  },
  ackInbox: {
    login: "required",
    async handle(r, { services, caller }) {
      await services.delivery.ackInbox(caller, toSafeNumber(r.upToId));
      return create(AckInboxResponseSchema);
    },
  },
};
