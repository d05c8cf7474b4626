-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "joinedPartyOn" TIMESTAMP(3),
ADD COLUMN     "removedAt" TIMESTAMP(3);
