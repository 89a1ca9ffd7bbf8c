/**
 * Linking this (new, unregistered) profile as another device of an
 * existing account (SPEC DIR5): ask the hub for a link code, wait for a
 * device of the account to approve it, open the sealed envelope it sends,
 * log in as the new device and check the approval chain before trusting
 * anything. The client only supplies how to become the device once it is.
 */
import { toHex, type Device, type InboxItem } from "@switchboard/protocol";
import type { LinkedDevice, PendingDeviceLink } from "../clientTypes.js";
import { ClientError } from "../errors.js";
import { deviceIdFor, generateDeviceKeyPair, signChallenge } from "../identity/deviceKeys.js";
import { listAllDevices } from "../session/pages.js";
import type { RpcHandlers, RpcSession } from "../session/rpc.js";
import { formatServers, parseServers } from "../session/servers.js";
import type { StoredIdentity } from "../store/port.js";
import { verifyApprovalChain } from "./approval.js";
import { historyChoiceOf } from "./history.js";
import { openLinkEnvelope, requestLink, type LinkRequest } from "./linking.js";
import { generateHpkeKeyPair } from "./seal.js";

export interface LinkThisDeviceDeps {
  /** A session with the first of `servers` that answers. */
  openAny(servers: string[], handlers: RpcHandlers): Promise<{ session: RpcSession; challenge: Uint8Array }>;
  clock(): number;
  /** Become the account's device: keep the identity and link key, pin the root, publish key packages. */
  become(approved: {
    identity: StoredIdentity;
    linkKey: Uint8Array;
    root: Device;
    session: RpcSession;
    keyPackagesRemaining: number;
  }): Promise<StoredIdentity>;
}

interface Envelope {
  address: string;
  displayName: string;
  approverDeviceId: string;
  approverSignatureKey: Uint8Array;
}

/**
 * Show `code` (or `qr`) to the user; approve it on a device of the account.
 * `approved` resolves once this device is part of the account.
 */
export async function beginDeviceLink(
  deps: LinkThisDeviceDeps,
  server: string | string[],
  deviceName: string,
): Promise<PendingDeviceLink> {
  const keys = generateDeviceKeyPair();
  const hpke = await generateHpkeKeyPair();
  let onItem: ((item: InboxItem) => void) | undefined;
  let onClosed: ((reason: string) => void) | undefined;
  const servers = parseServers(server);
  const { session, challenge } = await deps.openAny(servers, {
    onPush: (push) => {
      if (push.body.case === "inbox") onItem?.(push.body.value);
    },
    onClose: (reason) => onClosed?.(reason),
  });
  let request: LinkRequest;
  try {
    request = await requestLink(session, challenge, keys, hpke, deviceName);
  } catch (err) {
    session.close();
    throw err;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const approved = new Promise<LinkedDevice>((resolve, reject) => {
    const fail = (err: unknown) => {
      clearTimeout(timer);
      session.close();
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    timer = setTimeout(
      () => fail(new ClientError("LINK_FAILED", "the link code expired before it was approved")),
      Math.max(0, request.expiresAt - deps.clock()),
    );
    onClosed = (reason) => fail(new ClientError("LINK_FAILED", `the hub closed the link (${reason})`));
    onItem = (item) => {
      openLinkEnvelope(item, request.deviceId, hpke)
        .then(async (opened) => {
          if (!opened) return;
          onClosed = undefined;
          clearTimeout(timer);
          const identity = await completeLink(
            deps,
            session,
            challenge,
            formatServers(servers),
            keys,
            hpke,
            opened.envelope,
          );
          await session.call("ackInbox", { upToId: opened.itemId }).catch(() => {});
          session.close();
          resolve({ identity, history: historyChoiceOf(opened.envelope.history) });
        })
        .catch(fail);
    };
  });
  approved.catch(() => {}); // the caller may only look at it later
  return {
    ...request,
    approved,
    cancel: () => {
      clearTimeout(timer);
      session.close();
    },
  };
}

/** The new device's side once approved: log in, check the approval chain, become the device. */
async function completeLink(
  deps: LinkThisDeviceDeps,
  session: RpcSession,
  challenge: Uint8Array,
  server: string,
  keys: { publicKey: Uint8Array; privateKey: Uint8Array },
  hpke: { privateKey: Uint8Array },
  envelope: Envelope,
): Promise<StoredIdentity> {
  const deviceId = await deviceIdFor(keys.publicKey);
  const auth = await session.call("authenticate", {
    deviceId,
    signature: signChallenge(keys.privateKey, challenge),
  });
  if (auth.address !== envelope.address || auth.deviceId !== deviceId)
    throw new ClientError("UNTRUSTED", "the hub linked this device to another account than the approver's");
  const listed = await listAllDevices((op, value) => session.call(op, value), "");
  const approver = listed.devices.find((d) => d.id === envelope.approverDeviceId);
  const me = listed.devices.find((d) => d.id === deviceId);
  const chain = verifyApprovalChain(envelope.address, listed.devices, deviceId);
  if (
    !approver ||
    toHex(approver.signatureKey) !== toHex(envelope.approverSignatureKey) ||
    me?.approvedBy !== approver.id ||
    !chain.ok
  )
    throw new ClientError("UNTRUSTED", "this device's approval does not check out against the account");
  const identity: StoredIdentity = {
    address: envelope.address,
    deviceId,
    displayName: envelope.displayName || envelope.address,
    signaturePublicKey: keys.publicKey,
    signaturePrivateKey: keys.privateKey,
    server,
    createdAt: deps.clock(),
  };
  return deps.become({
    identity,
    linkKey: hpke.privateKey,
    root: chain.root,
    session,
    keyPackagesRemaining: auth.keyPackagesRemaining,
  });
}
