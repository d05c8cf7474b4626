-- CreateTable
CREATE TABLE "Responsibility" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "cadreId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "unitId" INTEGER,
    "memberId" INTEGER,
    "createdAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Task" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "title" TEXT NOT NULL,
    "dueDate" TEXT,
    "createdById" INTEGER NOT NULL,
    "fromUnitId" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "TaskAssignment" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "taskId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "ownerId" INTEGER NOT NULL,
    "percent" INTEGER NOT NULL DEFAULT 0,
    "status" TEXT NOT NULL DEFAULT 'open',
    "doneAt" DATETIME,
    "lastProgressAt" DATETIME NOT NULL,
    CONSTRAINT "TaskAssignment_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TaskProgress" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "assignmentId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "note" TEXT NOT NULL,
    "percent" INTEGER NOT NULL,
    "evidence" TEXT NOT NULL DEFAULT '[]',
    "createdAt" DATETIME NOT NULL,
    CONSTRAINT "TaskProgress_assignmentId_fkey" FOREIGN KEY ("assignmentId") REFERENCES "TaskAssignment" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TaskEscalation" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "assignmentId" INTEGER NOT NULL,
    "step" TEXT NOT NULL,
    "sentToId" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "WeeklyReport" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "unitId" INTEGER NOT NULL,
    "weekStart" TEXT NOT NULL,
    "memberId" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL
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
