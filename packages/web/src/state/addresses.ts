/**
 * What a person types in "To" or "Members": `handle@app` for anyone on any
 * app, or just a handle for someone on this same app. An email handle has an
 * "@" of its own, so "alice@example.com" typed on Messenger is
 * "alice@example.com@messenger": an app id has no dot.
 */
export function fullAddress(typed: string, thisApp: string): string {
  const text = typed.trim();
  const at = text.lastIndexOf("@");
  const tail = at > 0 ? text.slice(at + 1) : "";
  return /^[a-z][a-z0-9-]*$/i.test(tail) ? text : `${text}@${thisApp}`;
}

/** A comma-separated list of addresses as typed ("Members", "Add members"), each made full. */
export function addressList(typed: string, thisApp: string): string[] {
  return typed
    .split(",")
    .map((a) => a.trim())
    .filter((a) => a !== "")
    .map((a) => fullAddress(a, thisApp));
}
