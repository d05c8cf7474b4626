/*
  Warnings:

  - You are about to drop the column `tag` on the `PollAnonBallot` table. All the data in the column will be lost.

*/
-- DropIndex
DROP INDEX "PollAnonBallot_pollId_tag_key";

-- AlterTable
ALTER TABLE "PollAnonBallot" DROP COLUMN "tag";

-- AlterTable
ALTER TABLE "PollReceipt" ADD COLUMN     "stage" TEXT;

-- CreateTable
CREATE TABLE "PollBatch" (
    "pollId" INTEGER NOT NULL,
    "token" TEXT NOT NULL,

    CONSTRAINT "PollBatch_pkey" PRIMARY KEY ("pollId","token")
);

-- CreateTable
CREATE TABLE "PollCountedTag" (
    "pollId" INTEGER NOT NULL,
    "tag" TEXT NOT NULL,

    CONSTRAINT "PollCountedTag_pkey" PRIMARY KEY ("pollId","tag")
);

-- CreateIndex
CREATE INDEX "PollReceipt_pollId_stage_idx" ON "PollReceipt"("pollId", "stage");
