/**
 * People (SPEC PP): display names shared end to end, message requests, and
 * blocking. One module object on the client (`client.people`); names and
 * request decisions travel as MIMI content inside conversations
 * (content.ts), blocks are the hub's (ops Block, Unblock, ListBlocked).
 */
import { normaliseDisplayName, ProtocolError, type InboxItem } from "@switchboard/protocol";
import { draftOf } from "../conversations/drafts.js";
import { sendContent, type SendDeps } from "../conversations/sendContent.js";
import { ClientError } from "../errors.js";
import type { Call } from "../session/call.js";
import type { LocalStore, LocalWrite } from "../store/port.js";
import { MY_NAME, buildDecline, buildProfile, myDisplayName } from "./content.js";
import {
  blockedKey,
  isRequest,
  nameKey,
  readRequest,
  requestWrite,
  type RequestState,
} from "./requestState.js";

export interface PeopleDeps {
  /** The client's sending path; its store, identity and clock are the client's too. */
  send: SendDeps;
  call: Call;
  /**
   * Leave the MLS group (the groups module's `leave`), when the app wires
   * one: declining then also takes this account out of the conversation.
   */
  leave?: (conversationId: string) => Promise<void>;
}

/** A message request as the recipient sees it (SPEC PP3). */
export interface MessageRequest {
  conversationId: string;
  from: string;
  /** The sender's display name, or its address when it shared none. */
  fromName: string;
  /** The latest message's text ("" when none came yet). */
  preview: string;
  at: number;
}

export interface BlockedAccount {
  address: string;
  blockedAt: number;
}

export class People {
  private reach: Promise<string> | undefined;

  private readonly store: LocalStore;

  constructor(private readonly deps: PeopleDeps) {
    this.store = deps.send.store;
  }

  // --- display names ---------------------------------------------------------

  /** The latest display name `address` shared in any conversation with this device, if any. */
  async nameOf(address: string): Promise<string | undefined> {
    if (address === this.deps.send.identity().address) return this.myName();
    return this.store.getMeta(nameKey(address));
  }

  /** What to show for `address`: its name, or the address itself. */
  async displayName(address: string): Promise<string> {
    return (await this.nameOf(address)) ?? address;
  }

  /** This account's display name (as last set here or on another of its devices, else as registered), or its address. */
  async myName(): Promise<string> {
    return (await myDisplayName(this.store)) ?? this.deps.send.identity().address;
  }

  /** [PP2] Change this person's name: every active conversation in the chats (no request) gets it. */
  async setName(name: string): Promise<{ name: string; conversations: number }> {
    const checked = normaliseDisplayName(name);
    if (!checked.ok) throw new ProtocolError("INVALID_ARGUMENT", `display name: ${checked.reason}`);
    if (checked.name.trim() === "")
      throw new ProtocolError("INVALID_ARGUMENT", "a display name needs some text");
    await this.store.write([{ kind: "setMeta", key: MY_NAME, value: checked.name }]);
    let shared = 0;
    for (const c of await this.store.listConversations()) {
      if (!c.active || !(await this.inChats(c.id))) continue;
      await this.shareProfile(c.id);
      shared++;
    }
    return { name: checked.name, conversations: shared };
  }

  /** Send this person's name into a conversation now (a profile message: no text). */
  async shareProfile(conversationId: string): Promise<void> {
    const name = await this.myName();
    const { send } = this.deps;
    await sendContent(send, conversationId, () =>
      draftOf(buildProfile(name), send.identity().address, conversationId),
    );
  }

  // --- message requests --------------------------------------------------------

  /**
   * [PP3] Called with each Welcome before it is applied: file the
   * conversation under requests when it is one. Decided on the device, from
   * what only it knows (its conversations), so the hub learns nothing.
   */
  async classifyWelcome(item: InboxItem): Promise<void> {
    const store = this.store;
    if (await readRequest(store, item.conversationId)) return;
    const existing = await store.getConversation(item.conversationId);
    if (existing?.active) return;
    const me = this.deps.send.identity().address;
    if (item.senderAddress === me || item.senderAddress === "") return;
    const reach = await this.appReach();
    const conversations = await store.listConversations();
    const pending = new Set<string>();
    for (const c of conversations) if (!(await this.inChats(c.id))) pending.add(c.id);
    if (
      !isRequest({
        me,
        from: item.senderAddress,
        reach,
        conversationId: item.conversationId,
        conversations,
        pending,
      })
    )
      return;
    await store.write([
      requestWrite(item.conversationId, {
        status: "pending",
        from: item.senderAddress,
        at: this.deps.send.clock(),
      }),
    ]);
  }

  /** [PP3] No receipts, typing or profile go to a conversation while it is a pending request. */
  async isPendingRequest(conversationId: string): Promise<boolean> {
    return (await readRequest(this.store, conversationId))?.status === "pending";
  }

  /** Whether a conversation belongs in the chats: not a pending request, not a declined one. */
  async inChats(conversationId: string): Promise<boolean> {
    const status = (await readRequest(this.store, conversationId))?.status;
    return status !== "pending" && status !== "declined";
  }

  /** Pending requests, newest first. */
  async requests(): Promise<MessageRequest[]> {
    const store = this.store;
    const out: MessageRequest[] = [];
    for (const c of await store.listConversations()) {
      const request = await readRequest(store, c.id);
      if (request?.status !== "pending" || !c.active) continue;
      const messages = await store.listMessages(c.id);
      const last = messages.filter((m) => !m.outgoing && !m.deleted).at(-1);
      out.push({
        conversationId: c.id,
        from: request.from,
        fromName: await this.displayName(request.from),
        preview: last?.text ?? "",
        at: request.at,
      });
    }
    return out.sort((a, b) => b.at - a.at);
  }

  /** [PP4] Accept: the conversation moves to the chats, and the sender gets this person's name. */
  async accept(conversationId: string): Promise<void> {
    const request = await this.requirePending(conversationId);
    await this.store.write([requestWrite(conversationId, { ...request, status: "accepted" })]);
    // Also how this account's other devices learn it was accepted (people/incoming.ts).
    await this.shareProfile(conversationId);
  }

  /**
   * [PP4] Decline: the conversation leaves the chats and its messages are
   * deleted, here and, by a decline message only this account's devices act
   * on, on its other devices; with `block`, the sender is blocked at the hub
   * too. The device stays a member (it keeps reading, so the hub can prune),
   * and a later message from the sender makes it a request again.
   */
  async decline(conversationId: string, options: { block?: boolean } = {}): Promise<void> {
    const request = await this.requirePending(conversationId);
    const { send } = this.deps;
    const store = this.store;
    await sendContent(send, conversationId, () =>
      draftOf(buildDecline(), send.identity().address, conversationId),
    );
    if (options.block) await this.block(request.from);
    if (this.deps.leave) await this.deps.leave(conversationId);
    const writes: LocalWrite[] = [requestWrite(conversationId, { ...request, status: "declined" })];
    for (const message of await store.listMessages(conversationId))
      writes.push({ kind: "deleteMessage", conversationId, id: message.id });
    await store.write(writes);
  }

  // --- blocking -------------------------------------------------------------

  /** [PP6] Block an account at the hub; resolves to its normalised address. */
  async block(address: string): Promise<string> {
    const blocked = (await this.deps.call("block", { address })).address;
    await this.store.write([{ kind: "setMeta", key: blockedKey(blocked), value: "1" }]);
    return blocked;
  }

  async unblock(address: string): Promise<string> {
    const unblocked = (await this.deps.call("unblock", { address })).address;
    await this.store.write([{ kind: "setMeta", key: blockedKey(unblocked), value: "" }]);
    return unblocked;
  }

  /** Every blocked account, by address. */
  async blocked(): Promise<BlockedAccount[]> {
    const out: BlockedAccount[] = [];
    let after = "";
    for (;;) {
      const page = await this.deps.call("listBlocked", { afterAddress: after, limit: 0 });
      for (const a of page.accounts) out.push({ address: a.address, blockedAt: Number(a.blockedAt) });
      // This device then hides what they say in groups too (PP6), as the blocking device does.
      await this.store.write(
        page.accounts.map((a) => ({ kind: "setMeta", key: blockedKey(a.address), value: "1" })),
      );
      const last = page.accounts.at(-1);
      if (!page.hasMore || last === undefined) return out;
      after = last.address;
    }
  }

  // --- internals ------------------------------------------------------------

  private async requirePending(conversationId: string): Promise<RequestState> {
    const request = await readRequest(this.store, conversationId);
    if (request?.status !== "pending")
      throw new ClientError("NOT_A_REQUEST", `${conversationId} is not a pending message request`);
    return request;
  }

  /** This account's app's reach policy, asked once per client. */
  private appReach(): Promise<string> {
    this.reach ??= this.deps.call("getAppPolicy", {}).then(
      (r) => r.reach,
      (err: unknown) => {
        this.reach = undefined;
        // A hub that predates the op: it knows no requests, so none are filed.
        if (err instanceof ProtocolError && err.code === "BAD_FRAME") return "open";
        throw err;
      },
    );
    return this.reach;
  }
}
