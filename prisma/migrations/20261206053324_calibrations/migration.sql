-- AlterTable
ALTER TABLE "submissions" ADD COLUMN     "calibrationId" TEXT;

-- CreateTable
CREATE TABLE "calibrations" (
    "id" TEXT NOT NULL,
    "exerciseId" TEXT NOT NULL,
    "seeds" INTEGER NOT NULL,
    "firstSeed" INTEGER NOT NULL,
    "policyVersion" INTEGER NOT NULL,
    "requestedById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "calibrations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "calibrations_exerciseId_createdAt_idx" ON "calibrations"("exerciseId", "createdAt");

-- AddForeignKey
ALTER TABLE "submissions" ADD CONSTRAINT "submissions_calibrationId_fkey" FOREIGN KEY ("calibrationId") REFERENCES "calibrations"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "calibrations" ADD CONSTRAINT "calibrations_exerciseId_fkey" FOREIGN KEY ("exerciseId") REFERENCES "exercises"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "calibrations" ADD CONSTRAINT "calibrations_requestedById_fkey" FOREIGN KEY ("requestedById") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
