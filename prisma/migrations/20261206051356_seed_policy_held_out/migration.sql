-- CreateEnum
CREATE TYPE "SeedPolicy" AS ENUM ('FIXED', 'PER_STUDENT', 'BEST_OF_K');

-- AlterTable
ALTER TABLE "grading_policies" ADD COLUMN     "bestOfMargin" DOUBLE PRECISION NOT NULL DEFAULT 0.02,
ADD COLUMN     "bestOfSeeds" INTEGER NOT NULL DEFAULT 3,
ADD COLUMN     "heldOutShare" DOUBLE PRECISION,
ADD COLUMN     "seedPolicy" "SeedPolicy" NOT NULL DEFAULT 'FIXED';

-- AlterTable
ALTER TABLE "results" ADD COLUMN     "heldOut" JSONB,
ADD COLUMN     "seedRuns" JSONB NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "submissions" ADD COLUMN     "seed" INTEGER;
