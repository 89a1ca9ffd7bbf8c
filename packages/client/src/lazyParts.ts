/**
 * The client's parts that load on demand (SPEC WB16): receipts and typing,
 * people, disappearing messages and search, attachments. Each is a dynamic
 * import, so the browser's first load does not carry them; the client starts
 * loading the first three when it connects; attachments, this account's
 * devices (approve, list, revoke, safety numbers) and the device inbox (the
 * history a newly linked device is sent) on first use.
 *
 * Group operations load on first use too; what runs while a group commit is
 * applied (commitHooks.ts: device trust, group events) stays in the client's
 * own code, as it must not wait on a fetch.
 */
import { Emitter } from "./events.js";
import { laterHook, lazyPart, type LazyPart } from "./lazyPart.js";
import type { ConversationStatus, StatusDeps, StatusEvents } from "./status/conversationStatus.js";
import type { People, PeopleDeps } from "./people/people.js";
import type { Disappearing, disappearingFor } from "./expiry/disappearing.js";
import type { Files, FilesDeps } from "./media/files.js";
import type { AttachmentRef } from "./media/attachments.js";
import type { AccountDevices, AccountDevicesDeps } from "./devices/accountDevices.js";
import type { DeviceInbox, DeviceInboxDeps } from "./devices/deviceInbox.js";
import type { LocalMessage } from "./store/port.js";
import type { Groups, GroupsDeps } from "./conversations/groups/groups.js";
import { commitLeaves, groupChanged } from "./conversations/groups/commitHooks.js";

type Report = (error: unknown, context: string) => void;

/** Receipts, typing and presence; messages stored before it loads are handed to it. */
export function lazyStatus(deps: StatusDeps, onError: Report): LazyPart<ConversationStatus> {
  const statusEvents = new Emitter<StatusEvents>();
  let storedBefore: LocalMessage[] | undefined = [];
  const stopBuffering = deps.events.on("message", (message) => storedBefore?.push(message));
  const lazy: LazyPart<ConversationStatus> = lazyPart(
    async () => {
      const { ConversationStatus } = await import("./status/conversationStatus.js");
      stopBuffering();
      const status = new ConversationStatus({ ...deps, statusEvents, storedBefore: storedBefore ?? [] });
      storedBefore = undefined;
      return status;
    },
    {
      events: statusEvents,
      // Nobody's typing is known before any signal arrived.
      typingIn: () => [],
      received: laterHook(
        () => lazy,
        "received",
        (e) => onError(e, "status"),
      ),
      receivedEphemeral: laterHook(
        () => lazy,
        "receivedEphemeral",
        (e) => onError(e, "status"),
      ),
    },
  );
  return lazy;
}

export function lazyPeople(deps: PeopleDeps): LazyPart<People> {
  return lazyPart(async () => new (await import("./people/people.js")).People(deps));
}

/** Disappearing messages and search; `make` builds it once the module is here. */
export function lazyExpiry(
  make: (module: { disappearingFor: typeof disappearingFor }) => Disappearing,
  onError: Report,
): LazyPart<Disappearing> {
  const lazy: LazyPart<Disappearing> = lazyPart(async () => make(await import("./expiry/disappearing.js")), {
    commitApplied: laterHook(
      () => lazy,
      "commitApplied",
      (e) => onError(e, "expiry"),
    ),
    start: laterHook(
      () => lazy,
      "start",
      (e) => onError(e, "expiry"),
    ),
    // Nothing runs before it is loaded; once it is, the real stop() runs.
    stop: () => {},
  });
  return lazy;
}

/** Attachments: `download` answers its stream at once and loads the module as it is read. */
export function lazyFiles(deps: FilesDeps): LazyPart<Files> {
  const lazy: LazyPart<Files> = lazyPart(async () => new (await import("./media/files.js")).Files(deps), {
    download: (ref: AttachmentRef) =>
      (async function* () {
        yield* (await lazy.ready()).download(ref);
      })(),
  });
  return lazy;
}

/** This account's devices: approve a new one, list, revoke, safety numbers. */
export function lazyAccountDevices(deps: AccountDevicesDeps): AccountDevices {
  return lazyPart(async () => new (await import("./devices/accountDevices.js")).AccountDevices(deps)).part;
}

/** Rename, admins, remove and leave (SPEC GR). */
export function lazyGroups(deps: GroupsDeps): Groups {
  return lazyPart(async () => new (await import("./conversations/groups/groups.js")).Groups(deps), {
    changed: (change) => groupChanged(deps, change),
    commitLeaves: (conversationId) => commitLeaves(deps, conversationId),
  }).part;
}

/** What other devices of this account sent this one (the history after linking). */
export function lazyDeviceInbox(deps: DeviceInboxDeps): DeviceInbox {
  return lazyPart(async () => new (await import("./devices/deviceInbox.js")).DeviceInbox(deps)).part;
}
