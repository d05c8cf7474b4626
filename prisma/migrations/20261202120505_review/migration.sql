-- AlterTable
ALTER TABLE "Poll" ADD COLUMN "excludedMemberId" INTEGER;

-- CreateTable
CREATE TABLE "Review" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "unitId" INTEGER NOT NULL,
    "year" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'self',
    "openedById" INTEGER NOT NULL,
    "openedAt" DATETIME NOT NULL,
    "ratingAt" DATETIME,
    "closedAt" DATETIME
);

-- CreateTable
CREATE TABLE "ReviewSubject" (
    "reviewId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "pollId" INTEGER,
    "ballots" INTEGER,
    "counts" TEXT,

    PRIMARY KEY ("reviewId", "memberId")
);

-- CreateTable
CREATE TABLE "ReviewSelfAssessment" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "reviewId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "enteredAt" DATETIME NOT NULL,
    "supersededAt" DATETIME
);

-- CreateTable
CREATE TABLE "ReviewDecision" (
    "reviewId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "grade" TEXT NOT NULL,
    "byId" INTEGER NOT NULL,
    "decidedAt" DATETIME NOT NULL,

    PRIMARY KEY ("reviewId", "memberId")
);

-- CreateIndex
CREATE UNIQUE INDEX "Review_unitId_year_key" ON "Review"("unitId", "year");

-- CreateIndex
CREATE INDEX "ReviewSubject_memberId_idx" ON "ReviewSubject"("memberId");

-- CreateIndex
CREATE INDEX "ReviewSelfAssessment_reviewId_memberId_idx" ON "ReviewSelfAssessment"("reviewId", "memberId");
