-- CreateTable
CREATE TABLE "Suggestion" (
    "id" SERIAL NOT NULL,
    "unitId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "chatPlatform" TEXT NOT NULL,
    "chatExternalId" TEXT NOT NULL,
    "chatKind" TEXT NOT NULL,
    "chatTitle" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "reply" TEXT,
    "handledById" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Suggestion_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Suggestion_memberId_idx" ON "Suggestion"("memberId");

-- CreateIndex
CREATE INDEX "Suggestion_unitId_status_idx" ON "Suggestion"("unitId", "status");
