-- CreateEnum
CREATE TYPE "CountedResult" AS ENUM ('BEST', 'LAST');

-- AlterTable
ALTER TABLE "courses" ADD COLUMN     "timeZone" TEXT NOT NULL DEFAULT 'UTC';

-- AlterTable
ALTER TABLE "grading_policies" ADD COLUMN     "countedResult" "CountedResult" NOT NULL DEFAULT 'BEST',
ADD COLUMN     "lateCredit" JSONB,
ADD COLUMN     "opensAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "submissions" ADD COLUMN     "credit" DOUBLE PRECISION;

-- CreateTable
CREATE TABLE "student_exceptions" (
    "id" TEXT NOT NULL,
    "exerciseId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "deadline" TIMESTAMP(3),
    "extraSubmissions" INTEGER NOT NULL DEFAULT 0,
    "dailyQuota" INTEGER,
    "totalQuota" INTEGER,
    "note" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updatedById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "student_exceptions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "student_exceptions_exerciseId_userId_key" ON "student_exceptions"("exerciseId", "userId");

-- AddForeignKey
ALTER TABLE "student_exceptions" ADD CONSTRAINT "student_exceptions_exerciseId_fkey" FOREIGN KEY ("exerciseId") REFERENCES "exercises"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "student_exceptions" ADD CONSTRAINT "student_exceptions_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "student_exceptions" ADD CONSTRAINT "student_exceptions_updatedById_fkey" FOREIGN KEY ("updatedById") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Results decided before credit existed: late work was accepted at full credit (or refused), so each counts in full.
UPDATE "submissions" SET "credit" = 1 WHERE "status" IN ('PASSED', 'FAILED');
