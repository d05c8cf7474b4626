-- CreateTable
CREATE TABLE "Pledge" (
    "id" SERIAL NOT NULL,
    "scope" TEXT NOT NULL,
    "unitId" INTEGER NOT NULL,
    "ownerId" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "target" INTEGER,
    "unitWord" TEXT NOT NULL DEFAULT '',
    "dueDate" TEXT,
    "year" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "closeNote" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "closedAt" TIMESTAMP(3),

    CONSTRAINT "Pledge_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PledgeCheckin" (
    "id" SERIAL NOT NULL,
    "pledgeId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "amount" INTEGER NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "evidence" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "localDay" TEXT NOT NULL,
    "undoneAt" TIMESTAMP(3),

    CONSTRAINT "PledgeCheckin_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PledgeExemption" (
    "id" SERIAL NOT NULL,
    "memberId" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "untilDate" TEXT,
    "setById" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "endedAt" TIMESTAMP(3),

    CONSTRAINT "PledgeExemption_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PledgeReminder" (
    "id" SERIAL NOT NULL,
    "memberId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "stage" TEXT NOT NULL,
    "episode" TEXT NOT NULL,
    "sentAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PledgeReminder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PledgeSetting" (
    "id" SERIAL NOT NULL,
    "unitId" INTEGER NOT NULL,
    "staleDays" INTEGER NOT NULL,
    "escalateDays" INTEGER NOT NULL,
    "updatedById" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PledgeSetting_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Pledge_unitId_year_idx" ON "Pledge"("unitId", "year");

-- CreateIndex
CREATE INDEX "Pledge_ownerId_status_idx" ON "Pledge"("ownerId", "status");

-- CreateIndex
CREATE INDEX "Pledge_year_status_idx" ON "Pledge"("year", "status");

-- CreateIndex
CREATE INDEX "PledgeCheckin_pledgeId_undoneAt_idx" ON "PledgeCheckin"("pledgeId", "undoneAt");

-- CreateIndex
CREATE INDEX "PledgeCheckin_memberId_localDay_idx" ON "PledgeCheckin"("memberId", "localDay");

-- CreateIndex
CREATE INDEX "PledgeExemption_memberId_endedAt_idx" ON "PledgeExemption"("memberId", "endedAt");

-- CreateIndex
CREATE INDEX "PledgeReminder_unitId_idx" ON "PledgeReminder"("unitId");

-- CreateIndex
CREATE UNIQUE INDEX "PledgeReminder_memberId_episode_stage_key" ON "PledgeReminder"("memberId", "episode", "stage");

-- CreateIndex
CREATE UNIQUE INDEX "PledgeSetting_unitId_key" ON "PledgeSetting"("unitId");

-- AddForeignKey
ALTER TABLE "PledgeCheckin" ADD CONSTRAINT "PledgeCheckin_pledgeId_fkey" FOREIGN KEY ("pledgeId") REFERENCES "Pledge"("id") ON DELETE CASCADE ON UPDATE CASCADE;
