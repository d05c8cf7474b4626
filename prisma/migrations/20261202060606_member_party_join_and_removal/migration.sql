-- AlterTable
ALTER TABLE "Member" ADD COLUMN "joinedPartyOn" DATETIME;
ALTER TABLE "Member" ADD COLUMN "removedAt" DATETIME;
