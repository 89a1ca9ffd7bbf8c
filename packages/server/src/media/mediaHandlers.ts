/** The media operations of an authenticated connection (SPEC MD4, MD8), as handler-table entries. */
import {
  CompleteBlobResponseSchema,
  CreateUploadTokenResponseSchema,
  DeleteBlobResponseSchema,
  ProtocolError,
  create,
} from "@switchboard/protocol";
import type { HandlerTable, Services } from "../gateway/handlerTypes.js";
import type { MediaService } from "./mediaService.js";
import { UPLOAD_PATH } from "./mediaHttp.js";

/** Milliseconds from the wire; past Number's safe range means "as long as allowed". */
function ms(value: bigint): number {
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? 0 : Number(value);
}

function requireMedia(services: Services): MediaService {
  if (!services.media) throw new ProtocolError("UNAVAILABLE", "this hub does not store attachments");
  return services.media;
}

export const MEDIA_HANDLERS: HandlerTable<"createUploadToken" | "completeBlob" | "deleteBlob"> = {
  createUploadToken: {
    login: "required",
    async handle(r, { services, caller }) {
      const issued = await requireMedia(services).createUploadToken(caller, ms(r.expiresInMs));
      return create(CreateUploadTokenResponseSchema, {
        token: issued.token,
        uploadPath: UPLOAD_PATH,
        maxFileBytes: BigInt(issued.maxFileBytes),
        expiresAt: BigInt(issued.expiresAt),
        quotaRemaining: BigInt(issued.quotaRemaining),
      });
    },
  },
  completeBlob: {
    login: "required",
    async handle(r, { services, caller }) {
      const expiresAt = await requireMedia(services).completeBlob(caller, r.blobId, ms(r.expiresAt));
      return create(CompleteBlobResponseSchema, { expiresAt: BigInt(expiresAt) });
    },
  },
  deleteBlob: {
    login: "required",
    async handle(r, { services, caller }) {
      await requireMedia(services).deleteBlob(caller, r.blobId);
      return create(DeleteBlobResponseSchema);
    },
  },
};
