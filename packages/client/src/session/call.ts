import type { OpCase, OpInit, ResultOf } from "./rpc.js";

/** One request to the hub over the client's link (waits for a connection while down). */
export type Call = <K extends OpCase>(op: K, value: OpInit<K>) => Promise<ResultOf<K>>;
