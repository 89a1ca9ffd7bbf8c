/**
 * fast-check arbitraries for wire messages, built from arbitrary field values:
 * any string (well-formed UTF-16, so UTF-8 round-trips), any bytes, the full
 * range of every integer type, and enum numbers the schema does not name
 * (proto3 enums are open and must survive a round trip).
 */
import fc from "fast-check";
import { create } from "@bufbuild/protobuf";
import {
  AckInboxRequestSchema,
  AckRequestSchema,
  AuthenticateRequestSchema,
  ClaimKeyPackagesRequestSchema,
  ClientFrameSchema,
  CommitRequestSchema,
  ContentSchema,
  CreateConversationRequestSchema,
  CursorSchema,
  ErrorSchema,
  FetchInboxRequestSchema,
  FetchRequestSchema,
  GetGroupInfoRequestSchema,
  HelloSchema,
  InboxItemSchema,
  KeyPackagesLowSchema,
  ListConversationsRequestSchema,
  LogEntrySchema,
  LookupAccountRequestSchema,
  MembershipChangeSchema,
  PingRequestSchema,
  PushSchema,
  RegisterRequestSchema,
  RequestSchema,
  ResponseSchema,
  SendMessageRequestSchema,
  SendMessageResponseSchema,
  ServerFrameSchema,
  ServerHelloSchema,
  UploadKeyPackagesRequestSchema,
  type ClientFrame,
  type Content,
  type Request,
  type ServerFrame,
} from "../src/index.js";

const text = fc.string({ unit: "binary", maxLength: 40 });
const blob = fc.uint8Array({ maxLength: 64 });
const uint32 = fc.nat({ max: 0xffff_ffff });
const uint64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const enumValue = fc.oneof(fc.constantFrom(0, 1, 2), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }));
const texts = fc.array(text, { maxLength: 4 });

const membership = fc
  .record({ addedDevices: texts, removedDevices: texts, addedAccounts: texts, removedAccounts: texts })
  .map((v) => create(MembershipChangeSchema, v));

const op: fc.Arbitrary<Request["op"]> = fc.oneof(
  fc
    .record({ address: text, displayName: text, signatureKey: blob, signature: blob, verificationCode: text })
    .map((v) => ({ case: "register" as const, value: create(RegisterRequestSchema, v) })),
  fc
    .record({ deviceId: text, signature: blob })
    .map((v) => ({ case: "authenticate" as const, value: create(AuthenticateRequestSchema, v) })),
  fc
    .record({ keyPackages: fc.array(blob, { maxLength: 4 }), lastResort: blob })
    .map((v) => ({ case: "uploadKeyPackages" as const, value: create(UploadKeyPackagesRequestSchema, v) })),
  text.map((address) => ({
    case: "claimKeyPackages" as const,
    value: create(ClaimKeyPackagesRequestSchema, { address }),
  })),
  text.map((address) => ({
    case: "lookupAccount" as const,
    value: create(LookupAccountRequestSchema, { address }),
  })),
  fc
    .record({ conversationId: text, kind: enumValue, peer: text, groupInfo: blob })
    .map((v) => ({ case: "createConversation" as const, value: create(CreateConversationRequestSchema, v) })),
  fc
    .record({ conversationId: text, clientMessageId: text, payload: blob, epoch: uint64 })
    .map((v) => ({ case: "sendMessage" as const, value: create(SendMessageRequestSchema, v) })),
  fc
    .record({
      conversationId: text,
      clientMessageId: text,
      epoch: uint64,
      commit: blob,
      welcome: blob,
      groupInfo: blob,
    })
    .map((v) => ({ case: "commit" as const, value: create(CommitRequestSchema, v) })),
  fc
    .record({ conversationId: text, afterSeq: uint64, limit: uint32 })
    .map((v) => ({ case: "fetch" as const, value: create(FetchRequestSchema, v) })),
  fc.array(fc.record({ conversationId: text, seq: uint64 }), { maxLength: 4 }).map((cursors) => ({
    case: "ack" as const,
    value: create(AckRequestSchema, { cursors: cursors.map((c) => create(CursorSchema, c)) }),
  })),
  fc.constant({ case: "listConversations" as const, value: create(ListConversationsRequestSchema) }),
  text.map((conversationId) => ({
    case: "getGroupInfo" as const,
    value: create(GetGroupInfoRequestSchema, { conversationId }),
  })),
  fc
    .record({ afterId: uint64, limit: uint32 })
    .map((v) => ({ case: "fetchInbox" as const, value: create(FetchInboxRequestSchema, v) })),
  uint64.map((upToId) => ({ case: "ackInbox" as const, value: create(AckInboxRequestSchema, { upToId }) })),
  fc.constant({ case: "ping" as const, value: create(PingRequestSchema) }),
  fc.constant({ case: undefined }),
);

export const clientFrame: fc.Arbitrary<ClientFrame> = fc.oneof(
  fc
    .record({ protocolVersion: uint32, client: text })
    .map((v) => create(ClientFrameSchema, { body: { case: "hello", value: create(HelloSchema, v) } })),
  fc
    .record({ id: uint64, op })
    .map((v) => create(ClientFrameSchema, { body: { case: "request", value: create(RequestSchema, v) } })),
  fc.constant(create(ClientFrameSchema)),
);

const logEntry = fc
  .record({
    conversationId: text,
    seq: uint64,
    kind: enumValue,
    senderDeviceId: text,
    senderAddress: text,
    payload: blob,
    epoch: uint64,
    serverTime: uint64,
    membership,
  })
  .map((v) => create(LogEntrySchema, v));

const push = fc.oneof(
  logEntry.map((value) => ({ case: "entry" as const, value })),
  fc
    .record({
      id: uint64,
      kind: enumValue,
      conversationId: text,
      payload: blob,
      senderAddress: text,
      serverTime: uint64,
      seq: uint64,
    })
    .map((v) => ({ case: "inbox" as const, value: create(InboxItemSchema, v) })),
  uint32.map((remaining) => ({
    case: "keyPackagesLow" as const,
    value: create(KeyPackagesLowSchema, { remaining }),
  })),
);

const result = fc.oneof(
  fc
    .record({ code: text, message: text, currentEpoch: uint64, existingId: text })
    .map((v) => ({ case: "error" as const, value: create(ErrorSchema, v) })),
  fc
    .record({ seq: uint64, serverTime: uint64 })
    .map((v) => ({ case: "sendMessage" as const, value: create(SendMessageResponseSchema, v) })),
);

/** Server frames: hello, responses (error and send) and every push. */
export const serverFrame: fc.Arbitrary<ServerFrame> = fc.oneof(
  fc
    .record({ protocolVersion: uint32, challenge: blob, serverTime: uint64 })
    .map((v) => create(ServerFrameSchema, { body: { case: "hello", value: create(ServerHelloSchema, v) } })),
  fc
    .record({ id: uint64, result })
    .map((v) => create(ServerFrameSchema, { body: { case: "response", value: create(ResponseSchema, v) } })),
  push.map((body) =>
    create(ServerFrameSchema, { body: { case: "push", value: create(PushSchema, { body }) } }),
  ),
);

export const content: fc.Arbitrary<Content> = fc
  .record({
    id: text,
    sentAt: uint64,
    body: fc.oneof(
      text.map((body) => ({ case: "text" as const, value: { body } })),
      text.map((title) => ({ case: "groupProfile" as const, value: { title } })),
      fc.constant({ case: undefined }),
    ),
  })
  .map((v) => create(ContentSchema, v));
