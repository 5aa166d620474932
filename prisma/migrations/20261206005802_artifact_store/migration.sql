-- Artifact bytes move out of Postgres into the artifact store (@epoch/artifacts). Each row keeps what the content is
-- (size, SHA-256) and its key in the store. Existing rows get theirs computed from their bytes here; the bytes
-- themselves stay until `./epoch db migrate` has copied them into the store (it then sets them to NULL).

-- AlterTable
ALTER TABLE "artifacts" ADD COLUMN     "sha256" TEXT,
ADD COLUMN     "size" INTEGER,
ADD COLUMN     "storageKey" TEXT,
ALTER COLUMN "bytes" DROP NOT NULL;

UPDATE "artifacts"
SET "size" = octet_length("bytes"),
    "sha256" = encode(sha256("bytes"), 'hex')
WHERE "bytes" IS NOT NULL;

UPDATE "artifacts" SET "storageKey" = 'sha256/' || substr("sha256", 1, 2) || '/' || "sha256";

ALTER TABLE "artifacts" ALTER COLUMN "sha256" SET NOT NULL,
ALTER COLUMN "size" SET NOT NULL,
ALTER COLUMN "storageKey" SET NOT NULL;

-- CreateIndex
CREATE INDEX "artifacts_storageKey_idx" ON "artifacts"("storageKey");
