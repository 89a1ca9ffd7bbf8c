/** Every attack of `npm run abuse`, in running order. */
import type { Attack } from "../types.js";
import { codeGuessing } from "./codeGuessing.js";
import { diskFill } from "./diskFill.js";
import { forgedAdd } from "./forgedAdd.js";
import { keyPackageDrain } from "./keyPackageDrain.js";
import { lookupEnumeration } from "./lookupEnumeration.js";
import { badDisplayNames, nameSquatting } from "./registrations.js";
import { secretsAtRest } from "./secretsAtRest.js";
import { bigFrameBeforeHello, silentSockets } from "./silentSockets.js";
import { slowConsumers } from "./slowConsumers.js";

export const ATTACKS: readonly Attack[] = [
  slowConsumers,
  forgedAdd,
  codeGuessing,
  nameSquatting,
  badDisplayNames,
  keyPackageDrain,
  silentSockets,
  bigFrameBeforeHello,
  lookupEnumeration,
  diskFill,
  secretsAtRest,
];

/** "forged add" -> "forged-add", for --only. */
export function slug(attack: Attack): string {
  return attack.name.toLowerCase().replace(/[^a-z0-9]+/g, "-");
}
