/**
 * Which rate limits each request op spends (SPEC EG4), charged before the
 * op runs so a refused request costs the hub a map lookup. Keys are the
 * caller's account, its IP address, or the address it asks about (lower-cased
 * as written: the directory normalises after this, so a variant spelling may
 * get its own bucket; the per-caller limits still hold).
 */
import type { Request } from "@switchboard/protocol";
import type { RateLimits } from "../rateLimit/rateLimits.js";
import type { LimitName } from "../rateLimit/rateLimitSettings.js";

export interface RateLimitedCaller {
  /** The account, once logged in. */
  address: string | null;
  remoteAddress: string;
}

type Charge = [LimitName, string];

/** The (limit, key) pairs one request spends; none for ops without a limit. */
export function chargesFor(op: Request["op"], who: RateLimitedCaller): Charge[] {
  const account = who.address;
  const ip = who.remoteAddress;
  switch (op.case) {
    case "register": {
      const charges: Charge[] = [["registerPerIp", ip]];
      // A code is an attempt at guessing it: few per address and per IP.
      if (op.value.verificationCode !== "")
        charges.push(
          ["verificationAttemptPerAddress", op.value.address.toLowerCase()],
          ["verificationAttemptPerIp", ip],
        );
      return charges;
    }
    case "requestVerificationCode":
      // Each asks the app to send an SMS or email: few per handle and per IP.
      return [
        ["verificationRequestPerHandle", op.value.address.toLowerCase()],
        ["verificationRequestPerIp", ip],
      ];
    case "lookupAccount":
    case "listDevices":
    case "block":
    case "unblock":
      return account === null
        ? []
        : [
            ["lookupPerAccount", account],
            ["lookupPerIp", ip],
          ];
    case "claimKeyPackages":
      return account === null
        ? []
        : [
            ["claimPerClaimer", account],
            ["claimPerTarget", op.value.address.toLowerCase()],
          ];
    case "createConversation":
      return account === null ? [] : [["createConversationPerAccount", account]];
    case "commit":
      // A commit that adds members carries their Welcome.
      return account === null || op.value.welcome.length === 0 ? [] : [["addMembersPerAccount", account]];
    case "sendMessage":
    case "sendEphemeral": // [EP4] typing spends the same budget as sending
      return account === null ? [] : [["sendPerAccount", account]];
    default:
      return [];
  }
}

/** Spend every charge of the request, or throw RATE_LIMITED (the first refusal; tokens taken before it stay spent). */
export function chargeRequest(limits: RateLimits, op: Request["op"], who: RateLimitedCaller): void {
  // Every message spends this one: no list of charges is made for it (issue 18, the hot path).
  if (op.case === "sendMessage") {
    if (who.address !== null) limits.charge("sendPerAccount", who.address);
    return;
  }
  for (const [name, key] of chargesFor(op, who)) limits.charge(name, key);
}
