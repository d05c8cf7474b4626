-- AlterTable
ALTER TABLE "MeetingMinutes" ADD COLUMN "enteredIn" TEXT;

-- AlterTable
ALTER TABLE "TaskProgress" ADD COLUMN "reportedIn" TEXT;

-- CreateIndex
CREATE INDEX "MeetingMinutes_enteredById_enteredAt_idx" ON "MeetingMinutes"("enteredById", "enteredAt");

-- CreateIndex
CREATE INDEX "TaskProgress_memberId_createdAt_idx" ON "TaskProgress"("memberId", "createdAt");
