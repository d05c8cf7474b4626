-- CreateTable
CREATE TABLE "UnitSetting" (
    "id" SERIAL NOT NULL,
    "unitId" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "on" BOOLEAN NOT NULL,
    "updatedById" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "UnitSetting_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "UnitSetting_unitId_key_key" ON "UnitSetting"("unitId", "key");
