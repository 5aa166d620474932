-- AlterTable
ALTER TABLE "lti_resource_links" ADD COLUMN     "lastGradeError" TEXT,
ADD COLUMN     "lastGradeErrorAt" TIMESTAMP(3),
ADD COLUMN     "lastGradeSyncAt" TIMESTAMP(3);
