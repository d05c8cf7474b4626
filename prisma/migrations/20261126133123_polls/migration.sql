-- CreateTable
CREATE TABLE "Poll" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "kind" TEXT NOT NULL,
    "question" TEXT NOT NULL,
    "options" TEXT NOT NULL DEFAULT '[]',
    "multiple" BOOLEAN NOT NULL DEFAULT false,
    "anonymous" BOOLEAN NOT NULL DEFAULT false,
    "hideResults" BOOLEAN NOT NULL DEFAULT false,
    "minBallots" INTEGER NOT NULL DEFAULT 0,
    "audience" TEXT NOT NULL,
    "unitId" INTEGER NOT NULL,
    "createdById" INTEGER NOT NULL,
    "chatId" INTEGER NOT NULL,
    "platform" TEXT NOT NULL,
    "chatExternalId" TEXT NOT NULL,
    "chatTitle" TEXT NOT NULL DEFAULT '',
    "salt" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "closesAt" DATETIME,
    "closedAt" DATETIME,
    "eligibleAtClose" INTEGER,
    "createdAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "PollBallot" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "pollId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "choices" TEXT NOT NULL DEFAULT '[]',
    "score" INTEGER,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "PollBallot_pollId_fkey" FOREIGN KEY ("pollId") REFERENCES "Poll" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PollAnonBallot" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "pollId" INTEGER NOT NULL,
    "tag" TEXT NOT NULL,
    "choices" TEXT NOT NULL DEFAULT '[]',
    "score" INTEGER,
    CONSTRAINT "PollAnonBallot_pollId_fkey" FOREIGN KEY ("pollId") REFERENCES "Poll" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PollReceipt" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "pollId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    CONSTRAINT "PollReceipt_pollId_fkey" FOREIGN KEY ("pollId") REFERENCES "Poll" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Poll_unitId_status_idx" ON "Poll"("unitId", "status");

-- CreateIndex
CREATE INDEX "Poll_chatId_status_idx" ON "Poll"("chatId", "status");

-- CreateIndex
CREATE INDEX "PollBallot_memberId_idx" ON "PollBallot"("memberId");

-- CreateIndex
CREATE UNIQUE INDEX "PollBallot_pollId_memberId_key" ON "PollBallot"("pollId", "memberId");

-- CreateIndex
CREATE UNIQUE INDEX "PollAnonBallot_pollId_tag_key" ON "PollAnonBallot"("pollId", "tag");

-- CreateIndex
CREATE INDEX "PollReceipt_memberId_idx" ON "PollReceipt"("memberId");

-- CreateIndex
CREATE UNIQUE INDEX "PollReceipt_pollId_memberId_key" ON "PollReceipt"("pollId", "memberId");
