-- CreateTable
CREATE TABLE "CareExemption" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "memberId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "away" BOOLEAN NOT NULL DEFAULT false,
    "contactId" INTEGER,
    "untilDay" TEXT,
    "endedAt" DATETIME,
    "createdById" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "CareHeldNotice" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "memberId" INTEGER NOT NULL,
    "contactId" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "CareGreeting" (
    "memberId" INTEGER NOT NULL,
    "year" INTEGER NOT NULL,
    "sentAt" DATETIME NOT NULL,

    PRIMARY KEY ("memberId", "year")
);

-- CreateTable
CREATE TABLE "DuesMonth" (
    "memberId" INTEGER NOT NULL,
    "month" TEXT NOT NULL,
    "unitId" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "recordedById" INTEGER NOT NULL,
    "recordedAt" DATETIME NOT NULL,

    PRIMARY KEY ("memberId", "month")
);

-- CreateTable
CREATE TABLE "DuesWarning" (
    "memberId" INTEGER NOT NULL,
    "months" INTEGER NOT NULL,
    "sinceMonth" TEXT NOT NULL,
    "sentAt" DATETIME NOT NULL,

    PRIMARY KEY ("memberId", "months", "sinceMonth")
);

-- CreateTable
CREATE TABLE "PollFormal" (
    "pollId" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "quorumNum" INTEGER NOT NULL DEFAULT 1,
    "quorumDen" INTEGER NOT NULL DEFAULT 2,
    "publishedAt" DATETIME,
    "publishedById" INTEGER
);

-- CreateIndex
CREATE INDEX "CareExemption_memberId_idx" ON "CareExemption"("memberId");

-- CreateIndex
CREATE INDEX "CareExemption_unitId_idx" ON "CareExemption"("unitId");

-- CreateIndex
CREATE INDEX "CareHeldNotice_contactId_idx" ON "CareHeldNotice"("contactId");

-- CreateIndex
CREATE INDEX "DuesMonth_unitId_month_idx" ON "DuesMonth"("unitId", "month");
