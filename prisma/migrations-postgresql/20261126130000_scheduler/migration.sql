-- CreateTable
CREATE TABLE "ScheduleOccurrence" (
    "id" SERIAL NOT NULL,
    "job" TEXT NOT NULL,
    "scheduledAt" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL,
    "firedAt" TIMESTAMP(3) NOT NULL,
    "instance" TEXT NOT NULL,
    "error" TEXT,

    CONSTRAINT "ScheduleOccurrence_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ScheduledTask" (
    "id" SERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "retryAt" TIMESTAMP(3),
    "doneAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ScheduledTask_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SchedulerCursor" (
    "name" TEXT NOT NULL,
    "until" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SchedulerCursor_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE UNIQUE INDEX "ScheduleOccurrence_job_scheduledAt_key" ON "ScheduleOccurrence"("job", "scheduledAt");

-- CreateIndex
CREATE INDEX "ScheduleOccurrence_status_scheduledAt_idx" ON "ScheduleOccurrence"("status", "scheduledAt");

-- CreateIndex
CREATE UNIQUE INDEX "ScheduledTask_key_key" ON "ScheduledTask"("key");

-- CreateIndex
CREATE INDEX "ScheduledTask_status_dueAt_idx" ON "ScheduledTask"("status", "dueAt");
