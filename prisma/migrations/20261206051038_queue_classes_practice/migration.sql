-- CreateEnum
CREATE TYPE "SubmissionKind" AS ENUM ('GRADED', 'PRACTICE', 'CALIBRATION');

-- AlterTable
ALTER TABLE "grading_policies" ADD COLUMN     "congestionWaitSeconds" INTEGER NOT NULL DEFAULT 1800,
ADD COLUMN     "practiceDailyLimit" INTEGER NOT NULL DEFAULT 5,
ADD COLUMN     "practiceEpochs" INTEGER NOT NULL DEFAULT 3,
ADD COLUMN     "practiceTrainImages" INTEGER NOT NULL DEFAULT 5000,
ADD COLUMN     "replaceQueued" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "submissions" ADD COLUMN     "kind" "SubmissionKind" NOT NULL DEFAULT 'GRADED';
