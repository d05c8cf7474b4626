-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN     "priority" INTEGER NOT NULL DEFAULT 0;
