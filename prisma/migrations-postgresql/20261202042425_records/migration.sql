-- AlterTable
ALTER TABLE "Meeting" ADD COLUMN     "holiday" TEXT,
ADD COLUMN     "kind" TEXT;

-- CreateTable
CREATE TABLE "MeetingKindRule" (
    "id" SERIAL NOT NULL,
    "unitId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "frequency" TEXT NOT NULL,
    "setById" INTEGER NOT NULL,
    "setAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MeetingKindRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MeetingMinutes" (
    "id" SERIAL NOT NULL,
    "meetingId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
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
    "enteredAt" TIMESTAMP(3) NOT NULL,
    "supersededAt" TIMESTAMP(3),

    CONSTRAINT "MeetingMinutes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "MeetingKindRule_unitId_kind_key" ON "MeetingKindRule"("unitId", "kind");

-- CreateIndex
CREATE INDEX "MeetingMinutes_unitId_startsAt_idx" ON "MeetingMinutes"("unitId", "startsAt");

-- CreateIndex
CREATE UNIQUE INDEX "MeetingMinutes_meetingId_startsAt_version_key" ON "MeetingMinutes"("meetingId", "startsAt", "version");

-- AddForeignKey
ALTER TABLE "MeetingMinutes" ADD CONSTRAINT "MeetingMinutes_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "Meeting"("id") ON DELETE CASCADE ON UPDATE CASCADE;
