-- CreateTable
CREATE TABLE "Quiz" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "chatId" INTEGER NOT NULL,
    "chatPlatform" TEXT NOT NULL,
    "chatExternalId" TEXT NOT NULL,
    "chatKind" TEXT NOT NULL,
    "chatTitle" TEXT NOT NULL,
    "unitId" INTEGER,
    "startedById" INTEGER NOT NULL,
    "bankId" TEXT NOT NULL,
    "bankName" TEXT NOT NULL,
    "questionCount" INTEGER NOT NULL,
    "openSeconds" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "current" INTEGER NOT NULL DEFAULT -1,
    "createdAt" DATETIME NOT NULL,
    "finishedAt" DATETIME
);

-- CreateTable
CREATE TABLE "QuizQuestion" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "quizId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "questionKey" TEXT NOT NULL,
    "optionOrder" TEXT NOT NULL,
    "openedAt" DATETIME,
    "closesAt" DATETIME,
    "closedAt" DATETIME,
    CONSTRAINT "QuizQuestion_quizId_fkey" FOREIGN KEY ("quizId") REFERENCES "Quiz" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "QuizAnswer" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "questionId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "choice" INTEGER NOT NULL,
    "correct" BOOLEAN NOT NULL,
    "elapsedMs" INTEGER NOT NULL,
    "points" INTEGER NOT NULL,
    "credited" INTEGER NOT NULL,
    "answeredAt" DATETIME NOT NULL,
    CONSTRAINT "QuizAnswer_questionId_fkey" FOREIGN KEY ("questionId") REFERENCES "QuizQuestion" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "QuizPrompt" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "memberId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "questionKey" TEXT NOT NULL,
    "optionOrder" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "chatExternalId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "sentAt" DATETIME NOT NULL,
    "answeredAt" DATETIME,
    "correct" BOOLEAN,
    "credited" INTEGER NOT NULL DEFAULT 0
);

-- CreateTable
CREATE TABLE "QuizDay" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "memberId" INTEGER NOT NULL,
    "day" TEXT NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "answers" INTEGER NOT NULL DEFAULT 0,
    "correct" INTEGER NOT NULL DEFAULT 0
);

-- CreateTable
CREATE TABLE "QuizMistake" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "memberId" INTEGER NOT NULL,
    "questionKey" TEXT NOT NULL,
    "baseDay" TEXT NOT NULL,
    "stage" INTEGER NOT NULL DEFAULT 0,
    "dueDay" TEXT NOT NULL,
    "rights" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL,
    "resolvedAt" DATETIME
);

-- CreateTable
CREATE TABLE "QuizDailySub" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "memberId" INTEGER NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "QuizBank" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "foldedName" TEXT NOT NULL,
    "createdById" INTEGER NOT NULL,
    "unitId" INTEGER,
    "createdAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "QuizBankItem" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "bankId" INTEGER NOT NULL,
    "row" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "question" TEXT NOT NULL,
    "options" TEXT NOT NULL,
    "answer" INTEGER NOT NULL,
    "explanation" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    CONSTRAINT "QuizBankItem_bankId_fkey" FOREIGN KEY ("bankId") REFERENCES "QuizBank" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Quiz_chatId_status_idx" ON "Quiz"("chatId", "status");

-- CreateIndex
CREATE INDEX "Quiz_unitId_createdAt_idx" ON "Quiz"("unitId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "QuizQuestion_quizId_position_key" ON "QuizQuestion"("quizId", "position");

-- CreateIndex
CREATE INDEX "QuizAnswer_memberId_answeredAt_idx" ON "QuizAnswer"("memberId", "answeredAt");

-- CreateIndex
CREATE UNIQUE INDEX "QuizAnswer_questionId_memberId_key" ON "QuizAnswer"("questionId", "memberId");

-- CreateIndex
CREATE INDEX "QuizPrompt_memberId_status_idx" ON "QuizPrompt"("memberId", "status");

-- CreateIndex
CREATE INDEX "QuizPrompt_platform_chatExternalId_status_idx" ON "QuizPrompt"("platform", "chatExternalId", "status");

-- CreateIndex
CREATE INDEX "QuizPrompt_memberId_kind_day_idx" ON "QuizPrompt"("memberId", "kind", "day");

-- CreateIndex
CREATE INDEX "QuizPrompt_answeredAt_idx" ON "QuizPrompt"("answeredAt");

-- CreateIndex
CREATE INDEX "QuizDay_day_idx" ON "QuizDay"("day");

-- CreateIndex
CREATE UNIQUE INDEX "QuizDay_memberId_day_key" ON "QuizDay"("memberId", "day");

-- CreateIndex
CREATE INDEX "QuizMistake_memberId_resolvedAt_dueDay_idx" ON "QuizMistake"("memberId", "resolvedAt", "dueDay");

-- CreateIndex
CREATE UNIQUE INDEX "QuizMistake_memberId_questionKey_key" ON "QuizMistake"("memberId", "questionKey");

-- CreateIndex
CREATE UNIQUE INDEX "QuizDailySub_memberId_key" ON "QuizDailySub"("memberId");

-- CreateIndex
CREATE UNIQUE INDEX "QuizBank_name_key" ON "QuizBank"("name");

-- CreateIndex
CREATE UNIQUE INDEX "QuizBank_foldedName_key" ON "QuizBank"("foldedName");

-- CreateIndex
CREATE UNIQUE INDEX "QuizBankItem_bankId_row_key" ON "QuizBankItem"("bankId", "row");
