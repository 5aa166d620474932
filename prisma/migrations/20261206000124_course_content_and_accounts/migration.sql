-- CreateEnum
CREATE TYPE "EnrollmentSource" AS ENUM ('STAFF', 'CODE', 'ROSTER', 'SEED');

-- CreateEnum
CREATE TYPE "ContentSourceKind" AS ENUM ('DIRECTORY', 'ARCHIVE', 'GIT');

-- CreateEnum
CREATE TYPE "PolicyChangeSource" AS ENUM ('WEB', 'FILES');

-- DropIndex
DROP INDEX "exercises_slug_key";

-- AlterTable
ALTER TABLE "courses" ADD COLUMN     "contentGitRef" TEXT,
ADD COLUMN     "contentGitUrl" TEXT,
ADD COLUMN     "enrollmentClosesAt" TIMESTAMP(3),
ADD COLUMN     "enrollmentCodeEnabled" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "enrollmentOpensAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "enrollments" ADD COLUMN     "joinedVia" "EnrollmentSource" NOT NULL DEFAULT 'STAFF';

-- AlterTable
ALTER TABLE "exercises" ADD COLUMN     "removedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "grading_policies" ADD COLUMN     "filePolicy" JSONB;

-- AlterTable
ALTER TABLE "grading_policy_changes" ADD COLUMN     "source" "PolicyChangeSource" NOT NULL DEFAULT 'WEB';

-- AlterTable
ALTER TABLE "lesson_steps" ADD COLUMN     "removedAt" TIMESTAMP(3),
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "lessons" ADD COLUMN     "removedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "deactivatedAt" TIMESTAMP(3),
ADD COLUMN     "demoPassword" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "password_resets" (
    "id" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),

    CONSTRAINT "password_resets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lesson_step_versions" (
    "id" TEXT NOT NULL,
    "stepId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "syncId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lesson_step_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "course_assets" (
    "id" TEXT NOT NULL,
    "courseId" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "bytes" BYTEA NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "course_assets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "content_syncs" (
    "id" TEXT NOT NULL,
    "courseId" TEXT NOT NULL,
    "actorId" TEXT,
    "via" TEXT NOT NULL,
    "sourceKind" "ContentSourceKind" NOT NULL,
    "source" TEXT NOT NULL,
    "revision" TEXT NOT NULL,
    "summary" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "content_syncs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "password_resets_tokenHash_key" ON "password_resets"("tokenHash");

-- CreateIndex
CREATE INDEX "password_resets_userId_idx" ON "password_resets"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "lesson_step_versions_stepId_version_key" ON "lesson_step_versions"("stepId", "version");

-- CreateIndex
CREATE UNIQUE INDEX "course_assets_courseId_path_key" ON "course_assets"("courseId", "path");

-- CreateIndex
CREATE INDEX "content_syncs_courseId_createdAt_idx" ON "content_syncs"("courseId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "exercises_courseId_slug_key" ON "exercises"("courseId", "slug");

-- AddForeignKey
ALTER TABLE "password_resets" ADD CONSTRAINT "password_resets_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "password_resets" ADD CONSTRAINT "password_resets_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lesson_step_versions" ADD CONSTRAINT "lesson_step_versions_stepId_fkey" FOREIGN KEY ("stepId") REFERENCES "lesson_steps"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lesson_step_versions" ADD CONSTRAINT "lesson_step_versions_syncId_fkey" FOREIGN KEY ("syncId") REFERENCES "content_syncs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "course_assets" ADD CONSTRAINT "course_assets_courseId_fkey" FOREIGN KEY ("courseId") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "content_syncs" ADD CONSTRAINT "content_syncs_courseId_fkey" FOREIGN KEY ("courseId") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "content_syncs" ADD CONSTRAINT "content_syncs_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Data: policy versions written before this migration without an author came from the course files (the seed).
UPDATE "grading_policy_changes" SET "source" = 'FILES' WHERE "changedById" IS NULL;

-- Data: the files' policy of each exercise is the newest version the files wrote.
UPDATE "grading_policies" gp SET "filePolicy" = (
  SELECT c."newValues" FROM "grading_policy_changes" c
  WHERE c."exerciseId" = gp."exerciseId" AND c."source" = 'FILES'
  ORDER BY c."version" DESC LIMIT 1
);

-- Data: every existing step's text is its version 1.
INSERT INTO "lesson_step_versions" ("id", "stepId", "version", "title", "body", "createdAt")
SELECT gen_random_uuid()::text, s."id", s."version", s."title", s."body", s."updatedAt" FROM "lesson_steps" s;
