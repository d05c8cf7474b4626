-- CreateTable
CREATE TABLE "CareExemption" (
    "id" SERIAL NOT NULL,
    "memberId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "away" BOOLEAN NOT NULL DEFAULT false,
    "contactId" INTEGER,
    "untilDay" TEXT,
    "endedAt" TIMESTAMP(3),
    "createdById" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CareExemption_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CareHeldNotice" (
    "id" SERIAL NOT NULL,
    "memberId" INTEGER NOT NULL,
    "contactId" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CareHeldNotice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CareGreeting" (
    "memberId" INTEGER NOT NULL,
    "year" INTEGER NOT NULL,
    "sentAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CareGreeting_pkey" PRIMARY KEY ("memberId","year")
);

-- CreateTable
CREATE TABLE "DuesMonth" (
    "memberId" INTEGER NOT NULL,
    "month" TEXT NOT NULL,
    "unitId" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "recordedById" INTEGER NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DuesMonth_pkey" PRIMARY KEY ("memberId","month")
);

-- CreateTable
CREATE TABLE "DuesWarning" (
    "memberId" INTEGER NOT NULL,
    "months" INTEGER NOT NULL,
    "sinceMonth" TEXT NOT NULL,
    "sentAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DuesWarning_pkey" PRIMARY KEY ("memberId","months","sinceMonth")
);

-- CreateTable
CREATE TABLE "PollFormal" (
    "pollId" INTEGER NOT NULL,
    "quorumNum" INTEGER NOT NULL DEFAULT 1,
    "quorumDen" INTEGER NOT NULL DEFAULT 2,
    "publishedAt" TIMESTAMP(3),
    "publishedById" INTEGER,

    CONSTRAINT "PollFormal_pkey" PRIMARY KEY ("pollId")
);

-- CreateIndex
CREATE INDEX "CareExemption_memberId_idx" ON "CareExemption"("memberId");

-- CreateIndex
CREATE INDEX "CareExemption_unitId_idx" ON "CareExemption"("unitId");

-- CreateIndex
CREATE INDEX "CareHeldNotice_contactId_idx" ON "CareHeldNotice"("contactId");

-- CreateIndex
CREATE INDEX "DuesMonth_unitId_month_idx" ON "DuesMonth"("unitId", "month");
