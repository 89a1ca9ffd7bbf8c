/** The BlobStore contract on the real PostgreSQL (SPEC MD1-MD3, MD6, MD7). */
import { describe, it } from "vitest";
import { describeBlobStoreContract } from "./contract/blobStore.js";
import { openPostgresHarness, postgresAvailable } from "./postgresHarness.js";

if (!postgresAvailable) {
  describe.skip("PostgreSQL BlobStore (PostgreSQL unreachable: see the warning above)", () => {
    it("runs the BlobStore contract against PostgreSQL", () => {});
  });
} else {
  describeBlobStoreContract("postgres", openPostgresHarness);
}
