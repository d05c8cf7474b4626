-- CreateTable
CREATE TABLE "Responsibility" (
    "id" SERIAL NOT NULL,
    "cadreId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "unitId" INTEGER,
    "memberId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Responsibility_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Task" (
    "id" SERIAL NOT NULL,
    "title" TEXT NOT NULL,
    "dueDate" TEXT,
    "createdById" INTEGER NOT NULL,
    "fromUnitId" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Task_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TaskAssignment" (
    "id" SERIAL NOT NULL,
    "taskId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "ownerId" INTEGER NOT NULL,
    "percent" INTEGER NOT NULL DEFAULT 0,
    "status" TEXT NOT NULL DEFAULT 'open',
    "doneAt" TIMESTAMP(3),
    "lastProgressAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TaskAssignment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TaskProgress" (
    "id" SERIAL NOT NULL,
    "assignmentId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "note" TEXT NOT NULL,
    "percent" INTEGER NOT NULL,
    "evidence" TEXT NOT NULL DEFAULT '[]',
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TaskProgress_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TaskEscalation" (
    "id" SERIAL NOT NULL,
    "assignmentId" INTEGER NOT NULL,
    "step" TEXT NOT NULL,
    "sentToId" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TaskEscalation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WeeklyReport" (
    "id" SERIAL NOT NULL,
    "unitId" INTEGER NOT NULL,
    "weekStart" TEXT NOT NULL,
    "memberId" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WeeklyReport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Responsibility_unitId_key" ON "Responsibility"("unitId");

-- CreateIndex
CREATE UNIQUE INDEX "Responsibility_memberId_key" ON "Responsibility"("memberId");

-- CreateIndex
CREATE INDEX "Responsibility_cadreId_idx" ON "Responsibility"("cadreId");

-- CreateIndex
CREATE INDEX "TaskAssignment_unitId_status_idx" ON "TaskAssignment"("unitId", "status");

-- CreateIndex
CREATE INDEX "TaskAssignment_ownerId_status_idx" ON "TaskAssignment"("ownerId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "TaskAssignment_taskId_unitId_key" ON "TaskAssignment"("taskId", "unitId");

-- CreateIndex
CREATE INDEX "TaskProgress_assignmentId_idx" ON "TaskProgress"("assignmentId");

-- CreateIndex
CREATE UNIQUE INDEX "TaskEscalation_assignmentId_step_key" ON "TaskEscalation"("assignmentId", "step");

-- CreateIndex
CREATE INDEX "WeeklyReport_unitId_weekStart_idx" ON "WeeklyReport"("unitId", "weekStart");

-- AddForeignKey
ALTER TABLE "TaskAssignment" ADD CONSTRAINT "TaskAssignment_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TaskProgress" ADD CONSTRAINT "TaskProgress_assignmentId_fkey" FOREIGN KEY ("assignmentId") REFERENCES "TaskAssignment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
