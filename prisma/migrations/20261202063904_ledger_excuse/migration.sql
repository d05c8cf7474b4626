-- CreateTable
CREATE TABLE "LedgerExcuse" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "unitId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "month" INTEGER NOT NULL,
    "months" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "byId" INTEGER NOT NULL,
    "at" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "LedgerExcuse_unitId_year_idx" ON "LedgerExcuse"("unitId", "year");

-- CreateIndex
CREATE UNIQUE INDEX "LedgerExcuse_unitId_kind_year_month_months_key" ON "LedgerExcuse"("unitId", "kind", "year", "month", "months");
