/** The media operations of an authenticated connection (SPEC MD4, MD8). */
import { ProtocolError, type Request, type Response } from "@switchboard/protocol";
import type { Caller } from "../caller.js";
import type { MediaService } from "./mediaService.js";
import { UPLOAD_PATH } from "./mediaHttp.js";

export type MediaOp = Extract<Request["op"], { case: "createUploadToken" | "completeBlob" | "deleteBlob" }>;

/** Milliseconds from the wire; past Number's safe range means "as long as allowed". */
function ms(value: bigint): number {
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? 0 : Number(value);
}

export async function handleMediaOp(
  media: MediaService | undefined,
  caller: Caller,
  op: MediaOp,
): Promise<Response["result"]> {
  if (!media) throw new ProtocolError("UNAVAILABLE", "this hub does not store attachments");
  switch (op.case) {
    case "createUploadToken": {
      const issued = await media.createUploadToken(caller, ms(op.value.expiresInMs));
      return {
        case: "createUploadToken",
        value: {
          $typeName: "switchboard.v1.CreateUploadTokenResponse",
          token: issued.token,
          uploadPath: UPLOAD_PATH,
          maxFileBytes: BigInt(issued.maxFileBytes),
          expiresAt: BigInt(issued.expiresAt),
          quotaRemaining: BigInt(issued.quotaRemaining),
        },
      };
    }
    case "completeBlob": {
      const expiresAt = await media.completeBlob(caller, op.value.blobId, ms(op.value.expiresAt));
      return {
        case: "completeBlob",
        value: { $typeName: "switchboard.v1.CompleteBlobResponse", expiresAt: BigInt(expiresAt) },
      };
    }
    case "deleteBlob": {
      await media.deleteBlob(caller, op.value.blobId);
      return { case: "deleteBlob", value: { $typeName: "switchboard.v1.DeleteBlobResponse" } };
    }
  }
}
