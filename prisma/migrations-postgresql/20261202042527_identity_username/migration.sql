-- AlterTable
ALTER TABLE "PlatformIdentity" ADD COLUMN     "username" TEXT;

-- CreateIndex
CREATE INDEX "PlatformIdentity_platform_username_idx" ON "PlatformIdentity"("platform", "username");
