-- AlterTable
ALTER TABLE "Meeting" ADD COLUMN "holiday" TEXT;
ALTER TABLE "Meeting" ADD COLUMN "kind" TEXT;

-- CreateTable
CREATE TABLE "MeetingKindRule" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "unitId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "frequency" TEXT NOT NULL,
    "setById" INTEGER NOT NULL,
    "setAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "MeetingMinutes" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "meetingId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "startsAt" DATETIME NOT NULL,
    "version" INTEGER NOT NULL,
    "topics" TEXT NOT NULL,
    "decisions" TEXT NOT NULL,
    "hostId" INTEGER NOT NULL,
    "recorderId" INTEGER NOT NULL,
    "expected" INTEGER NOT NULL,
    "present" INTEGER NOT NULL,
    "absences" TEXT NOT NULL,
    "attachments" TEXT NOT NULL DEFAULT '[]',
    "late" BOOLEAN NOT NULL,
    "enteredById" INTEGER NOT NULL,
    "enteredAt" DATETIME NOT NULL,
    "supersededAt" DATETIME,
    CONSTRAINT "MeetingMinutes_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "Meeting" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "MeetingKindRule_unitId_kind_key" ON "MeetingKindRule"("unitId", "kind");

-- CreateIndex
CREATE INDEX "MeetingMinutes_unitId_startsAt_idx" ON "MeetingMinutes"("unitId", "startsAt");

-- CreateIndex
CREATE UNIQUE INDEX "MeetingMinutes_meetingId_startsAt_version_key" ON "MeetingMinutes"("meetingId", "startsAt", "version");
