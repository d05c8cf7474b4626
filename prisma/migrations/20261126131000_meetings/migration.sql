-- CreateTable
CREATE TABLE "Meeting" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "unitId" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "cron" TEXT NOT NULL,
    "place" TEXT NOT NULL,
    "remindMinutes" INTEGER NOT NULL,
    "template" TEXT,
    "withSuggestions" BOOLEAN NOT NULL DEFAULT false,
    "status" TEXT NOT NULL DEFAULT 'active',
    "createdById" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "cancelledAt" DATETIME
);

-- CreateTable
CREATE TABLE "MeetingSkip" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "meetingId" INTEGER NOT NULL,
    "startsAt" DATETIME NOT NULL,
    "createdById" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL,
    CONSTRAINT "MeetingSkip_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "Meeting" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MeetingRsvp" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "meetingId" INTEGER NOT NULL,
    "startsAt" DATETIME NOT NULL,
    "memberId" INTEGER NOT NULL,
    "answer" TEXT NOT NULL,
    "reason" TEXT,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "MeetingRsvp_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "Meeting" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MeetingAttendance" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "meetingId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "startsAt" DATETIME NOT NULL,
    "memberId" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "recordedById" INTEGER NOT NULL,
    "recordedAt" DATETIME NOT NULL,
    CONSTRAINT "MeetingAttendance_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "Meeting" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Meeting_unitId_status_idx" ON "Meeting"("unitId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "MeetingSkip_meetingId_startsAt_key" ON "MeetingSkip"("meetingId", "startsAt");

-- CreateIndex
CREATE UNIQUE INDEX "MeetingRsvp_meetingId_startsAt_memberId_key" ON "MeetingRsvp"("meetingId", "startsAt", "memberId");

-- CreateIndex
CREATE INDEX "MeetingRsvp_memberId_idx" ON "MeetingRsvp"("memberId");

-- CreateIndex
CREATE UNIQUE INDEX "MeetingAttendance_meetingId_startsAt_memberId_key" ON "MeetingAttendance"("meetingId", "startsAt", "memberId");

-- CreateIndex
CREATE INDEX "MeetingAttendance_memberId_startsAt_idx" ON "MeetingAttendance"("memberId", "startsAt");

-- CreateIndex
CREATE INDEX "MeetingAttendance_unitId_startsAt_idx" ON "MeetingAttendance"("unitId", "startsAt");
