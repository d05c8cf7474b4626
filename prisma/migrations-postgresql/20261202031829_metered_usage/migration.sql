-- CreateTable
CREATE TABLE "MeteredUsage" (
    "platform" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "calls" INTEGER NOT NULL DEFAULT 0,
    "warned" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MeteredUsage_pkey" PRIMARY KEY ("platform","month")
);
