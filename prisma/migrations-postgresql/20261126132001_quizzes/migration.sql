-- CreateTable
CREATE TABLE "Quiz" (
    "id" SERIAL NOT NULL,
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
    "createdAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Quiz_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QuizQuestion" (
    "id" SERIAL NOT NULL,
    "quizId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "questionKey" TEXT NOT NULL,
    "optionOrder" TEXT NOT NULL,
    "openedAt" TIMESTAMP(3),
    "closesAt" TIMESTAMP(3),
    "closedAt" TIMESTAMP(3),

    CONSTRAINT "QuizQuestion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QuizAnswer" (
    "id" SERIAL NOT NULL,
    "questionId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "choice" INTEGER NOT NULL,
    "correct" BOOLEAN NOT NULL,
    "elapsedMs" INTEGER NOT NULL,
    "points" INTEGER NOT NULL,
    "credited" INTEGER NOT NULL,
    "answeredAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "QuizAnswer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QuizPrompt" (
    "id" SERIAL NOT NULL,
    "memberId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "questionKey" TEXT NOT NULL,
    "optionOrder" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "chatExternalId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "sentAt" TIMESTAMP(3) NOT NULL,
    "answeredAt" TIMESTAMP(3),
    "correct" BOOLEAN,
    "credited" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "QuizPrompt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QuizDay" (
    "id" SERIAL NOT NULL,
    "memberId" INTEGER NOT NULL,
    "day" TEXT NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "answers" INTEGER NOT NULL DEFAULT 0,
    "correct" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "QuizDay_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QuizMistake" (
    "id" SERIAL NOT NULL,
    "memberId" INTEGER NOT NULL,
    "questionKey" TEXT NOT NULL,
    "baseDay" TEXT NOT NULL,
    "stage" INTEGER NOT NULL DEFAULT 0,
    "dueDay" TEXT NOT NULL,
    "rights" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "resolvedAt" TIMESTAMP(3),

    CONSTRAINT "QuizMistake_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QuizDailySub" (
    "id" SERIAL NOT NULL,
    "memberId" INTEGER NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "QuizDailySub_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QuizBank" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "foldedName" TEXT NOT NULL,
    "createdById" INTEGER NOT NULL,
    "unitId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "QuizBank_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QuizBankItem" (
    "id" SERIAL NOT NULL,
    "bankId" INTEGER NOT NULL,
    "row" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "question" TEXT NOT NULL,
    "options" TEXT NOT NULL,
    "answer" INTEGER NOT NULL,
    "explanation" TEXT NOT NULL,
    "source" TEXT NOT NULL,

    CONSTRAINT "QuizBankItem_pkey" PRIMARY KEY ("id")
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

-- AddForeignKey
ALTER TABLE "QuizQuestion" ADD CONSTRAINT "QuizQuestion_quizId_fkey" FOREIGN KEY ("quizId") REFERENCES "Quiz"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "QuizAnswer" ADD CONSTRAINT "QuizAnswer_questionId_fkey" FOREIGN KEY ("questionId") REFERENCES "QuizQuestion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "QuizBankItem" ADD CONSTRAINT "QuizBankItem_bankId_fkey" FOREIGN KEY ("bankId") REFERENCES "QuizBank"("id") ON DELETE CASCADE ON UPDATE CASCADE;
