/**
 * What a person pastes into "Link code": the code a new device shows
 * (XXXXX-XXXXX), or the text of its QR code (`switchboard-link:v1:CODE:...`,
 * from a phone's scanner app): the code is the part that is approved.
 */
const QR_PREFIX = "switchboard-link:v1:";

export function linkCodeFrom(typed: string): string {
  const text = typed.trim();
  if (!text.startsWith(QR_PREFIX)) return text;
  return text.slice(QR_PREFIX.length).split(":")[0] ?? "";
}
