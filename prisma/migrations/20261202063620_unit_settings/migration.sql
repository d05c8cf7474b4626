-- CreateTable
CREATE TABLE "UnitSetting" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "unitId" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "on" BOOLEAN NOT NULL,
    "updatedById" INTEGER NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "UnitSetting_unitId_key_key" ON "UnitSetting"("unitId", "key");
