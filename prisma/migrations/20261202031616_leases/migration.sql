-- CreateTable
CREATE TABLE "Lease" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "holder" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "epoch" INTEGER NOT NULL DEFAULT 1,
    "updatedAt" DATETIME NOT NULL
);
