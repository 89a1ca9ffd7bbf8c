/**
 * One handler per request op, in a table typed from the generated schema
 * (handlerTypes.ts): each decodes the typed wire request into a domain call,
 * and the domain result into the wire response. Authorization lives in the
 * domain services; here we only check that the connection is logged in, and
 * spend the op's rate limits (SPEC EG4) before it runs.
 */
import { ProtocolError, type Request, type Response } from "@switchboard/protocol";
import { DELIVERY_HANDLERS } from "./deliveryHandlers.js";
import { DEVICE_HANDLERS } from "./deviceHandlers.js";
import { DIRECTORY_HANDLERS } from "./directoryHandlers.js";
import type { Handler, HandlerTable, Op, OpRequest, OpResponse, Services, Session } from "./handlerTypes.js";
import { KEY_PACKAGE_HANDLERS } from "./keyPackageHandlers.js";
import { LOGIN_HANDLERS } from "./loginHandlers.js";
import { chargeRequest } from "./rateLimitOps.js";
import { VERIFICATION_HANDLERS } from "./verificationHandlers.js";
import { EPHEMERAL_HANDLERS } from "./ephemeralHandlers.js";
import { MEDIA_HANDLERS } from "../media/mediaHandlers.js";
import { PEOPLE_HANDLERS } from "../people/peopleHandlers.js";
import { GROUP_HANDLERS } from "./groupHandlers.js";

export type { Services, Session } from "./handlerTypes.js";

const HANDLERS: HandlerTable = {
  ...LOGIN_HANDLERS,
  ...DIRECTORY_HANDLERS,
  ...DELIVERY_HANDLERS,
  ...DEVICE_HANDLERS,
  ...VERIFICATION_HANDLERS,
  ...KEY_PACKAGE_HANDLERS,
  ...MEDIA_HANDLERS,
  ...EPHEMERAL_HANDLERS,
  ...PEOPLE_HANDLERS,
  ...GROUP_HANDLERS,
};

/**
 * Not async, and neither is dispatch: the handler's promise is the only one
 * made per request besides the connection's own. Each async layer here was a
 * promise and a microtask per message on the hub's hot path (issue 18). A
 * throw before the handler runs (a rate limit, no login) still arrives as a
 * rejection.
 */
export function handleRequest(
  services: Services,
  session: Session,
  request: Request,
): Promise<Response["result"]> {
  try {
    const op = request.op;
    chargeRequest(services.rateLimits, op, {
      address: session.caller?.address ?? null,
      remoteAddress: session.remoteAddress,
    });
    if (op.case === undefined) throw new ProtocolError("BAD_FRAME", "request without an operation");
    return dispatch(HANDLERS[op.case], op.case, op.value, services, session);
  } catch (err) {
    return Promise.reject(err as Error);
  }
}

/** Run one op's handler; the answer goes out under the op's own case of the Response oneof. */
function dispatch<K extends Op>(
  handler: Handler<K>,
  op: K,
  request: OpRequest<K>,
  services: Services,
  session: Session,
): Promise<Response["result"]> {
  let answer: Promise<OpResponse<K>>;
  if (handler.login === "none") answer = handler.handle(request, { services, session });
  else {
    const caller = session.caller;
    if (!caller) throw new ProtocolError("UNAUTHENTICATED", "authenticate first");
    answer = handler.handle(request, { services, session, caller });
  }
  // TypeScript cannot tie a generic K's case to its value in a union; HandlerTable does.
  return answer.then((value) => ({ case: op, value }) as Response["result"]);
}
