-- AlterTable
ALTER TABLE "Poll" ADD COLUMN     "excludedMemberId" INTEGER;

-- CreateTable
CREATE TABLE "Review" (
    "id" SERIAL NOT NULL,
    "unitId" INTEGER NOT NULL,
    "year" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'self',
    "openedById" INTEGER NOT NULL,
    "openedAt" TIMESTAMP(3) NOT NULL,
    "ratingAt" TIMESTAMP(3),
    "closedAt" TIMESTAMP(3),

    CONSTRAINT "Review_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReviewSubject" (
    "reviewId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "pollId" INTEGER,
    "ballots" INTEGER,
    "counts" TEXT,

    CONSTRAINT "ReviewSubject_pkey" PRIMARY KEY ("reviewId","memberId")
);

-- CreateTable
CREATE TABLE "ReviewSelfAssessment" (
    "id" SERIAL NOT NULL,
    "reviewId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "enteredAt" TIMESTAMP(3) NOT NULL,
    "supersededAt" TIMESTAMP(3),

    CONSTRAINT "ReviewSelfAssessment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReviewDecision" (
    "reviewId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "grade" TEXT NOT NULL,
    "byId" INTEGER NOT NULL,
    "decidedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReviewDecision_pkey" PRIMARY KEY ("reviewId","memberId")
);

-- CreateIndex
CREATE UNIQUE INDEX "Review_unitId_year_key" ON "Review"("unitId", "year");

-- CreateIndex
CREATE INDEX "ReviewSubject_memberId_idx" ON "ReviewSubject"("memberId");

-- CreateIndex
CREATE INDEX "ReviewSelfAssessment_reviewId_memberId_idx" ON "ReviewSelfAssessment"("reviewId", "memberId");
