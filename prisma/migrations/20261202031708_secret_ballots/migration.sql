/*
  Warnings:

  - You are about to drop the column `tag` on the `PollAnonBallot` table. All the data in the column will be lost.

*/
-- AlterTable
ALTER TABLE "PollReceipt" ADD COLUMN "stage" TEXT;

-- CreateTable
CREATE TABLE "PollBatch" (
    "pollId" INTEGER NOT NULL,
    "token" TEXT NOT NULL,

    PRIMARY KEY ("pollId", "token")
);

-- CreateTable
CREATE TABLE "PollCountedTag" (
    "pollId" INTEGER NOT NULL,
    "tag" TEXT NOT NULL,

    PRIMARY KEY ("pollId", "tag")
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_PollAnonBallot" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "pollId" INTEGER NOT NULL,
    "choices" TEXT NOT NULL DEFAULT '[]',
    "score" INTEGER,
    CONSTRAINT "PollAnonBallot_pollId_fkey" FOREIGN KEY ("pollId") REFERENCES "Poll" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_PollAnonBallot" ("choices", "id", "pollId", "score") SELECT "choices", "id", "pollId", "score" FROM "PollAnonBallot";
DROP TABLE "PollAnonBallot";
ALTER TABLE "new_PollAnonBallot" RENAME TO "PollAnonBallot";
CREATE INDEX "PollAnonBallot_pollId_choices_score_idx" ON "PollAnonBallot"("pollId", "choices", "score");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "PollReceipt_pollId_stage_idx" ON "PollReceipt"("pollId", "stage");
