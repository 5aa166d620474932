-- AlterTable
ALTER TABLE "calibrations" ADD COLUMN     "variant" TEXT;

-- AlterTable
ALTER TABLE "exercises" ADD COLUMN     "calibrationVariants" JSONB NOT NULL DEFAULT '[]';
