-- CreateTable
CREATE TABLE "RosterVersion" (
    "id" INTEGER NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "RosterVersion_pkey" PRIMARY KEY ("id")
);
