-- CreateEnum
CREATE TYPE "LtiKeyState" AS ENUM ('NEXT', 'CURRENT', 'RETIRED');

-- AlterEnum
ALTER TYPE "EnrollmentSource" ADD VALUE 'LTI';

-- CreateTable
CREATE TABLE "lti_platforms" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "authUrl" TEXT NOT NULL,
    "tokenUrl" TEXT NOT NULL,
    "jwksUrl" TEXT NOT NULL,
    "deploymentIds" TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "lti_platforms_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lti_tool_keys" (
    "id" TEXT NOT NULL,
    "kid" TEXT NOT NULL,
    "state" "LtiKeyState" NOT NULL,
    "publicJwk" JSONB NOT NULL,
    "privateJwk" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "activatedAt" TIMESTAMP(3),
    "retiredAt" TIMESTAMP(3),

    CONSTRAINT "lti_tool_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lti_contexts" (
    "id" TEXT NOT NULL,
    "platformId" TEXT NOT NULL,
    "contextId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "courseId" TEXT,
    "membershipsUrl" TEXT,
    "lineItemsUrl" TEXT,
    "lastRosterSyncAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "lti_contexts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lti_resource_links" (
    "id" TEXT NOT NULL,
    "platformId" TEXT NOT NULL,
    "ltiContextId" TEXT NOT NULL,
    "resourceLinkId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "exerciseId" TEXT,
    "lineItemUrl" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "lti_resource_links_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lti_users" (
    "id" TEXT NOT NULL,
    "platformId" TEXT NOT NULL,
    "sub" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lti_users_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "lti_platforms_issuer_clientId_key" ON "lti_platforms"("issuer", "clientId");

-- CreateIndex
CREATE UNIQUE INDEX "lti_tool_keys_kid_key" ON "lti_tool_keys"("kid");

-- CreateIndex
CREATE INDEX "lti_tool_keys_state_idx" ON "lti_tool_keys"("state");

-- CreateIndex
CREATE UNIQUE INDEX "lti_contexts_platformId_contextId_key" ON "lti_contexts"("platformId", "contextId");

-- CreateIndex
CREATE UNIQUE INDEX "lti_resource_links_platformId_resourceLinkId_key" ON "lti_resource_links"("platformId", "resourceLinkId");

-- CreateIndex
CREATE INDEX "lti_users_userId_idx" ON "lti_users"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "lti_users_platformId_sub_key" ON "lti_users"("platformId", "sub");

-- AddForeignKey
ALTER TABLE "lti_contexts" ADD CONSTRAINT "lti_contexts_platformId_fkey" FOREIGN KEY ("platformId") REFERENCES "lti_platforms"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lti_contexts" ADD CONSTRAINT "lti_contexts_courseId_fkey" FOREIGN KEY ("courseId") REFERENCES "courses"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lti_resource_links" ADD CONSTRAINT "lti_resource_links_platformId_fkey" FOREIGN KEY ("platformId") REFERENCES "lti_platforms"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lti_resource_links" ADD CONSTRAINT "lti_resource_links_ltiContextId_fkey" FOREIGN KEY ("ltiContextId") REFERENCES "lti_contexts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lti_resource_links" ADD CONSTRAINT "lti_resource_links_exerciseId_fkey" FOREIGN KEY ("exerciseId") REFERENCES "exercises"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lti_users" ADD CONSTRAINT "lti_users_platformId_fkey" FOREIGN KEY ("platformId") REFERENCES "lti_platforms"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lti_users" ADD CONSTRAINT "lti_users_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
