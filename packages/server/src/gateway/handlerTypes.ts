/**
 * The gateway's handler table, typed from the generated schema: for each
 * request op (the Request oneof's case), one handler that takes that op's
 * request message and resolves to the Response oneof's message of the same
 * case. Adding an op to requests.proto makes the table incomplete until it
 * has a handler (a type error, not a runtime surprise).
 */
import type { Request, Response } from "@switchboard/protocol";
import type { Caller } from "../caller.js";
import type { DeliveryService } from "../delivery/deliveryService.js";
import type { Blocklist } from "../people/blocklist.js";
import type { DeviceMessages } from "../delivery/deviceMessages.js";
import type { Revocation } from "../delivery/revocation.js";
import type { LeaveProposals } from "../delivery/leaveProposals.js";
import type { Directory } from "../directory/directory.js";
import type { Linking } from "../directory/linking.js";
import type { MembershipSettings } from "../delivery/membershipSettings.js";
import type { MediaService } from "../media/mediaService.js";
import type { RateLimits } from "../rateLimit/rateLimits.js";
import type { EphemeralRelay } from "../ephemeral/ephemeralRelay.js";

export interface Services {
  directory: Directory;
  delivery: DeliveryService;
  linking: Linking;
  revocation: Revocation;
  deviceMessages: DeviceMessages;
  /** Blocklists and the caller's app policy (SPEC PP). */
  blocklist: Blocklist;
  /** Members' proposals to leave a group (SPEC GR6). */
  leaves: LeaveProposals;
  /** The hub's Ed25519 key as the groups' MLS external sender (ServerHello). */
  hubSignatureKey: Uint8Array;
  clock: () => number;
  /** Named rate limits per account and per IP (SPEC EG4). */
  rateLimits: RateLimits;
  /** Page sizes and caps on membership (SPEC DS15, DS16). */
  membership: MembershipSettings;
  /** Attachments (SPEC MD); absent when the hub runs without a BlobStore. */
  media?: MediaService | undefined;
  /** Ephemeral send to online member devices (SPEC EP). */
  ephemeral: EphemeralRelay;
}

export interface Session {
  challenge: Uint8Array;
  caller: Caller | null;
  /** The new device this connection began linking (BeginLink), if any. */
  linkingDeviceId: string | null;
  /** The client's IP address, for the per-IP rate limits. */
  readonly remoteAddress: string;
  /** Called once the connection has logged in (register or authenticate). */
  onAuthenticated(caller: Caller): Promise<void>;
  /** Called when BeginLink succeeded: route the new device's pushes here until it logs in. */
  onLinkBegun(deviceId: string): void;
  /** Called when the device became a member without a Welcome (it created the conversation, or joined it externally). */
  onJoined(conversationId: string): void;
}

/** A request op: a case of the Request oneof. */
export type Op = NonNullable<Request["op"]["case"]>;
/** The request message of one op. */
export type OpRequest<K extends Op> = Extract<Request["op"], { case: K }>["value"];
/** The response message of one op: the Response oneof's case of the same name. */
export type OpResponse<K extends Op> = Extract<Response["result"], { case: K }>["value"];

/** What a handler may use besides its request. */
export interface HandlerContext {
  services: Services;
  session: Session;
}

/** A handler for an op that needs a logged-in connection: the dispatcher checks first. */
export interface AuthenticatedHandler<K extends Op> {
  login: "required";
  handle(request: OpRequest<K>, context: HandlerContext & { caller: Caller }): Promise<OpResponse<K>>;
}

/** A handler for an op that logs in, or needs no login (ping). */
export interface PublicHandler<K extends Op> {
  login: "none";
  handle(request: OpRequest<K>, context: HandlerContext): Promise<OpResponse<K>>;
}

export type Handler<K extends Op> = AuthenticatedHandler<K> | PublicHandler<K>;

/** One handler per op, or a part of the table (a module's ops). */
export type HandlerTable<K extends Op = Op> = { [P in K]: Handler<P> };
