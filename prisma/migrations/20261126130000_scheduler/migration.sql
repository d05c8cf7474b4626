-- CreateTable
CREATE TABLE "ScheduleOccurrence" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "job" TEXT NOT NULL,
    "scheduledAt" DATETIME NOT NULL,
    "status" TEXT NOT NULL,
    "firedAt" DATETIME NOT NULL,
    "instance" TEXT NOT NULL,
    "error" TEXT
);

-- CreateTable
CREATE TABLE "ScheduledTask" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "kind" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "dueAt" DATETIME NOT NULL,
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "retryAt" DATETIME,
    "doneAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "SchedulerCursor" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "until" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "ScheduleOccurrence_job_scheduledAt_key" ON "ScheduleOccurrence"("job", "scheduledAt");

-- CreateIndex
CREATE INDEX "ScheduleOccurrence_status_scheduledAt_idx" ON "ScheduleOccurrence"("status", "scheduledAt");

-- CreateIndex
CREATE UNIQUE INDEX "ScheduledTask_key_key" ON "ScheduledTask"("key");

-- CreateIndex
CREATE INDEX "ScheduledTask_status_dueAt_idx" ON "ScheduledTask"("status", "dueAt");
