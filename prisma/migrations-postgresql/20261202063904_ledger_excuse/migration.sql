-- CreateTable
CREATE TABLE "LedgerExcuse" (
    "id" SERIAL NOT NULL,
    "unitId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "month" INTEGER NOT NULL,
    "months" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "byId" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LedgerExcuse_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "LedgerExcuse_unitId_year_idx" ON "LedgerExcuse"("unitId", "year");

-- CreateIndex
CREATE UNIQUE INDEX "LedgerExcuse_unitId_kind_year_month_months_key" ON "LedgerExcuse"("unitId", "kind", "year", "month", "months");
