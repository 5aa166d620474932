-- AlterTable
ALTER TABLE "grading_policies" ADD COLUMN     "refundCancelledQuota" BOOLEAN NOT NULL DEFAULT true;

-- AlterTable
ALTER TABLE "submissions" ADD COLUMN     "cancelCounted" BOOLEAN NOT NULL DEFAULT false;
