-- AlterTable
ALTER TABLE "submissions" ADD COLUMN     "workMacs" DOUBLE PRECISION;
